// `sentinel doctor` (spec 14.4): runs every check in order and collects the lines.
// Changes nothing: no state directory, no file, no keystore entry, no DRM call.
import type { NetworkFlags } from "../drm/network.ts";
import type { Check } from "./check.ts";
import { ok } from "./check.ts";
import { checkClock } from "./clock-check.ts";
import { checkKeystore, checkLicense, checkOrgKey, checkSocketDir, checkStateDir } from "./local-checks.ts";
import { networkChecks } from "./network-checks.ts";

export interface DoctorOptions {
  licensePath?: string;
  serverUrl?: string;
  stateDir?: string;
  keystore?: string;
  network: NetworkFlags;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const env = options.env ?? process.env;
  const { check: keyCheck, key } = checkOrgKey();
  const checks: Check[] = [keyCheck];
  const licensed = options.licensePath === undefined ? undefined : await checkLicense(options.licensePath, key);
  if (licensed) checks.push(licensed.check);
  // Only a STANDARD licence names a server; a HARDWARE_BOUND one runs without any.
  const license = licensed?.license;
  const standard = license?.licenseType === "STANDARD" ? license : undefined;
  const stateDir = checkStateDir(options.stateDir);
  checks.push(stateDir.check);
  const keystore = await checkKeystore(options.keystore, stateDir.dir, stateDir.exists);
  checks.push(keystore.check, checkSocketDir(env));

  let serverDate: string | null | undefined;
  if (options.serverUrl || standard) {
    const network = await networkChecks({
      serverUrlFlag: options.serverUrl,
      licenseUrl: standard?.serverUrl,
      flags: options.network,
      env,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    checks.push(...network.checks);
    serverDate = network.serverDate;
  } else {
    const why = license ? "a HARDWARE_BOUND licence needs no server" : "no STANDARD licence or --server-url given";
    checks.push(ok("server", `not checked: ${why}`));
  }
  checks.push(checkClock({ nowMs: Date.now(), serverDate, lastSeen: keystore.state?.last_seen }));
  return checks;
}
