// The doctor's local checks (spec 14.4, 1–4): embedded key, licence, state
// directory, keystore, socket directory. Read-only: creates no directory, file or entry.
import { accessSync, constants, existsSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeError, ExitCode, SentinelError } from "../errors.ts";
import { readOsMachineId } from "../hardware/fingerprint.ts";
import { socketDirectory, socketDirectoryProblem } from "../ipc/socket-path.ts";
import { openKeystore, resolveKeystoreChoice } from "../keystore/auto.ts";
import { KEYSTORE_FILE } from "../keystore/file.ts";
import { loadLicense } from "../license/load.ts";
import type { License } from "../license/validate.ts";
import { embeddedOrgKey, type OrgKey } from "../org-key.ts";
import type { State } from "../state/state-record.ts";
import { openStateStore } from "../state/store.ts";
import { DIR_MODE, resolveStateDir } from "../storage/location.ts";
import { type Check, fail, ok, warn } from "./check.ts";

const codeOf = (error: unknown) => (error instanceof SentinelError ? error.exitCode : ExitCode.internal);
const uid = process.getuid?.();

export function checkOrgKey(): { check: Check; key?: OrgKey } {
  try {
    const key = embeddedOrgKey();
    return { check: ok("key", `organisation key embedded (SHA-256 ${key.derSha256.slice(0, 16)}…)`), key };
  } catch (error) {
    return { check: fail("key", describeError(error), "ask your vendor for a sentinel build with its organisation key", ExitCode.config) };
  }
}

export async function checkLicense(path: string, key: OrgKey | undefined): Promise<{ check: Check; license?: License }> {
  if (!key) return { check: warn("license", `${path} not checked: no organisation key to verify it with`, "fix the key first") };
  try {
    const license = await loadLicense(path, key.point);
    return { check: ok("license", `${license.licenseKey} (${license.licenseType}) valid until ${license.expiryDate}`), license };
  } catch (error) {
    return { check: fail("license", describeError(error), "ask your vendor for a valid licence file, or fix --license", codeOf(error)) };
  }
}

/** The nearest path of `dir` (itself or an ancestor) that exists. */
function nearestExisting(dir: string): string {
  let path = dir;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  return path;
}

const writable = (path: string) => {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function checkStateDir(flag: string | undefined): { check: Check; dir: string; exists: boolean } {
  const dir = resolveStateDir(flag);
  const hint = "choose a directory this user may write with --state-dir or SENTINEL_STATE_DIR";
  if (!existsSync(dir)) {
    const base = nearestExisting(dir);
    const usable = lstatSync(base).isDirectory() && writable(base);
    return {
      dir,
      exists: false,
      check: usable
        ? ok("state-dir", `${dir} does not exist yet; it will be created (mode 0700)`)
        : fail("state-dir", `${dir} cannot be created: ${base} is not a writable directory`, hint, ExitCode.config),
    };
  }
  const stats = lstatSync(dir);
  const mode = stats.mode & 0o777;
  let check: Check;
  if (!stats.isDirectory()) check = fail("state-dir", `${dir} is not a directory`, hint, ExitCode.config);
  else if (!writable(dir)) check = fail("state-dir", `${dir} is not writable by this user`, hint, ExitCode.config);
  else if (uid !== undefined && stats.uid !== uid)
    check = warn(
      "state-dir",
      `${dir} belongs to uid ${stats.uid}, not to this user (uid ${uid})`,
      "run the sentinel as the user that owns it, or give it its own directory",
    );
  else if (process.platform !== "win32" && mode !== DIR_MODE)
    check = warn(
      "state-dir",
      `${dir} has mode ${mode.toString(8).padStart(4, "0")}`,
      `chmod 700 ${dir} (the next start tightens it anyway)`,
    );
  else check = ok("state-dir", `${dir} (mode 0700, writable)`);
  return { check, dir, exists: true };
}

/** The keystore recorded (keystore.enc present) or chosen, opened read-only, and the state it holds. */
export async function checkKeystore(flag: string | undefined, stateDir: string, exists: boolean): Promise<{ check: Check; state?: State }> {
  try {
    const choice = resolveKeystoreChoice(flag);
    const recorded = exists && existsSync(join(stateDir, KEYSTORE_FILE));
    const keystore = await openKeystore({ choice, stateDir, osMachineId: async () => (await readOsMachineId()).value, readOnly: true });
    const how = recorded ? `(recorded: ${KEYSTORE_FILE} present)` : `(choice: ${choice})`;
    const loaded = exists ? await openStateStore({ stateDir, keystore }).read() : ({ kind: "none" } as const);
    if (loaded.kind === "tampered")
      return {
        check: warn(
          "keystore",
          `${keystore.backend} ${how}; the state cannot be read: ${loaded.reason}`,
          "the next start must reach the DRM server",
        ),
      };
    const held = loaded.kind === "ok" ? `state for machine ${loaded.state.machine_id}` : "no state yet";
    return { check: ok("keystore", `${keystore.backend} ${how}, opens; ${held}`), state: loaded.kind === "ok" ? loaded.state : undefined };
  } catch (error) {
    return {
      check: fail(
        "keystore",
        describeError(error),
        "use --keystore file, or start the OS credential store (Secret Service, Keychain)",
        codeOf(error),
      ),
    };
  }
}

export function checkSocketDir(env: Record<string, string | undefined> = process.env): Check {
  if (process.platform === "win32") return ok("socket-dir", "named pipe (no directory)");
  const dir = socketDirectory({ env, tmpdir: tmpdir(), uid });
  if (!lstatSync(dir, { throwIfNoEntry: false })) {
    return writable(dirname(dir))
      ? ok("socket-dir", `${dir} does not exist yet; it will be created (mode 0700)`)
      : fail(
          "socket-dir",
          `${dir} cannot be created: ${dirname(dir)} is not a writable directory`,
          "set XDG_RUNTIME_DIR to a private directory",
          ExitCode.config,
        );
  }
  const problem = socketDirectoryProblem(dir, uid);
  return problem
    ? fail(
        "socket-dir",
        `refusing ${dir}: ${problem}`,
        `remove ${dir} (someone else may have planted it) or set XDG_RUNTIME_DIR`,
        ExitCode.config,
      )
    : ok("socket-dir", `${dir} (private, mode 0700)`);
}
