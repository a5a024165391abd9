// A STANDARD licence world for e2e tests and the demo: the reference DRM server
// signing with the vectors' org key (the one the test build embeds), a minted
// licence pointing at it, and a private state directory and runtime directory.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, runSentinel } from "./binary.ts";
import type { LicenseInput } from "./drm-admin.ts";
import { type DrmServer, type DrmServerOptions, startDrmServer } from "./drm-server.ts";
import { keyPairFromPem } from "./keys.ts";
import { mintLicense, standardPayload } from "./mint.ts";
import { VECTORS } from "./paths.ts";
import { fixtureRunArgs, type SentinelProcess, startSentinel, workspace } from "./sentinel-process.ts";

export const ORG = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));

export interface World {
  server: DrmServer;
  licenseKey: string;
  licensePath: string;
  dir: string;
  stateDir: string;
  runtimeDir: string;
  report: string;
  env: Record<string, string>;
  /** Mints another licence file (same server) with payload overrides. */
  mint(overrides?: Record<string, unknown>, name?: string): Promise<string>;
  run(software: string[], extra?: string[]): Promise<RunResult>;
  start(software: string[], extra?: string[]): Promise<SentinelProcess>;
  /** `status --json`; `env` adds to (or overrides) the world's environment. */
  status(env?: Record<string, string | undefined>): Promise<Record<string, unknown> | null>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  license?: Partial<LicenseInput>;
  payload?: Record<string, unknown>;
  minuteMs?: number;
  /** Reference server options besides the org key: TLS, a host name for the URL, a skewed Date (spec 14), its clock, the length of offline activations. */
  server?: Omit<DrmServerOptions, "orgSecret" | "orgPrivatePem">;
  /** For tests that move the sentinel's clock: what the server checks request timestamps against. */
  requestClock?: () => number;
}

export async function standardWorld(options: WorldOptions = {}): Promise<World> {
  const server = await startDrmServer({ ...options.server, orgSecret: ORG.secret, requestClock: options.requestClock });
  const { dir, runtimeDir, report } = workspace();
  const stateDir = join(dir, "state");
  mkdirSync(stateDir, { mode: 0o700 });
  const licenseKey = `LK-${crypto.randomUUID().slice(0, 8)}`;
  const record = { license_key: licenseKey, heartbeat_interval_minutes: 720, heartbeat_grace_period_days: 1, ...options.license };
  await server.admin.createLicense(record);
  const env = {
    SENTINEL_STATE_DIR: stateDir,
    SENTINEL_KEYSTORE: "file",
    XDG_RUNTIME_DIR: runtimeDir,
    SENTINEL_TEST_MINUTE_MS: String(options.minuteMs ?? 60_000),
  };
  const mint = async (overrides: Record<string, unknown> = {}, name = "license.lic") => {
    const path = join(dir, name);
    const payload = standardPayload({
      license_key: licenseKey,
      server_url: server.url,
      heartbeat_interval_minutes: record.heartbeat_interval_minutes,
      heartbeat_grace_period_days: record.heartbeat_grace_period_days,
      ...options.payload,
      ...overrides,
    });
    writeFileSync(path, await mintLicense(payload, ORG.secret));
    return path;
  };
  const licensePath = await mint();
  const runArgs = (software: string[], extra: string[]) => fixtureRunArgs(licensePath, report, software, extra);
  return {
    server,
    licenseKey,
    licensePath,
    dir,
    stateDir,
    runtimeDir,
    report,
    env,
    mint,
    run: (software, extra = []) => runSentinel(runArgs(software, extra), { env }),
    start: (software, extra = []) => startSentinel(runArgs(software, extra), env),
    async status(extra = {}) {
      const result = await runSentinel(["status", "--json"], { env: { ...env, ...extra } });
      if (result.exitCode !== 0) throw new Error(`status failed: ${result.stderr}`);
      const printed = JSON.parse(result.stdout) as Record<string, unknown>;
      return "state" in printed ? null : printed;
    },
    stop: () => server.stop(),
  };
}

/** The endpoints the server saw, in order (faulted ones included). */
export async function endpointsSeen(world: World): Promise<string[]> {
  return (await world.server.admin.requestLog()).map((entry) => entry.endpoint);
}
