// Where the state directory is (spec 5.1: flag, env, platform default) and making it
// exist as a private 0700 directory. Resolution is pure; only ensureStateDir touches disk.
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, posix, resolve, win32 } from "node:path";
import { errno } from "../errno.ts";
import { ConfigError, describeError } from "../errors.ts";
import { log } from "../log.ts";

export const DIR_MODE = 0o700;
const DIR_NAME = "sentinel-drm";

export interface StateDirContext {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The absolute state directory: `--state-dir`, else SENTINEL_STATE_DIR, else the platform default. */
export function resolveStateDir(flag?: string, context: StateDirContext = {}): string {
  const env = context.env ?? process.env;
  const chosen = flag || env.SENTINEL_STATE_DIR;
  // Absolute, because the os keystore names its entries after this path.
  if (chosen) return resolve(chosen);
  const platform = context.platform ?? process.platform;
  const home = context.home ?? homedir();
  if (platform === "win32") return win32.join(env.APPDATA || win32.join(home, "AppData", "Roaming"), DIR_NAME);
  if (platform === "darwin") return posix.join(home, "Library", "Application Support", DIR_NAME);
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && isAbsolute(xdg) ? xdg : posix.join(home, ".local", "share"), DIR_NAME);
}

/** Creates the directory 0700 if needed, and tightens an existing one that others could read. */
export function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    // EEXIST: something that is not a directory is in the way; the check below names it.
    if (errno(error) !== "EEXIST") {
      throw new ConfigError(`cannot create the state directory ${dir}: ${describeError(error)} (choose another with --state-dir)`);
    }
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new ConfigError(`state directory ${dir} is not a directory (choose another with --state-dir)`);
  if (process.platform === "win32" || (stat.mode & 0o777) === DIR_MODE) return;
  try {
    chmodSync(dir, DIR_MODE);
    if ((stat.mode & 0o077) !== 0) log.warn(`state directory ${dir} was open to other users; its mode is now 0700`);
  } catch (error) {
    throw new ConfigError(`cannot make the state directory ${dir} private (mode 0700): ${describeError(error)}`);
  }
}
