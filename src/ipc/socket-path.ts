// Where the IPC socket lives (spec 7.2): a private per-user directory, refused if
// anyone else could have planted or opened it. Touches only that directory.
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { tmpdir as osTmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { errno } from "../errno.ts";
import { ConfigError, InternalError } from "../errors.ts";

/** sockaddr_un.sun_path is 104 bytes on macOS, including the terminating NUL. */
const MAX_PATH_BYTES = 103;
const SHORT_ID_CHARS = 16;

export interface SocketPathOptions {
  /** Machine id (STANDARD) or fingerprint (HARDWARE_BOUND). */
  id: string;
  pid?: number;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  tmpdir?: string;
  uid?: number;
}

/** Prepares the directory, clears a stale socket at the exact path, and returns the path to listen on. */
export function prepareSocketPath({
  id,
  pid = process.pid,
  env = process.env,
  platform = process.platform,
  tmpdir = osTmpdir(),
  uid = process.getuid?.(),
}: SocketPathOptions): string {
  // The id comes from our own state or fingerprint; anything else would let it escape the directory.
  if (!/^[A-Za-z0-9-]+$/.test(id)) throw new InternalError("IPC socket id must be letters, digits and dashes");
  if (platform === "win32") return `\\\\.\\pipe\\sentinel-${id}-${pid}`;

  const dir = socketDirectory({ env, tmpdir, uid });
  ensurePrivateDirectory(dir, uid);

  let path = join(dir, `sentinel-${id}-${pid}.sock`);
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) path = join(dir, `sentinel-${id.slice(0, SHORT_ID_CHARS)}-${pid}.sock`);
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new ConfigError(`IPC socket path too long: ${path} (limit ${MAX_PATH_BYTES} bytes; set XDG_RUNTIME_DIR to a shorter directory)`);
  }
  removeStale(path);
  return path;
}

/** The private per-user directory the socket goes in (POSIX). Pure. */
export function socketDirectory({ env, tmpdir, uid }: { env: Record<string, string | undefined>; tmpdir: string; uid?: number }): string {
  // XDG says a relative XDG_RUNTIME_DIR is invalid and must be ignored.
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return runtimeDir && isAbsolute(runtimeDir) ? join(runtimeDir, "sentinel-drm") : join(tmpdir, `sentinel-drm-${uid}`);
}

/** Why an existing socket directory must be refused, or null (also for `sentinel doctor`). */
export function socketDirectoryProblem(dir: string, uid: number | undefined): string | null {
  const stats = lstatSync(dir);
  if (stats.isSymbolicLink()) return "it is a symbolic link";
  if (!stats.isDirectory()) return "it is not a directory";
  if (uid !== undefined && stats.uid !== uid) return `it belongs to uid ${stats.uid}, not to us (uid ${uid})`;
  const mode = stats.mode & 0o7777;
  return mode === 0o700 ? null : `its mode is ${mode.toString(8).padStart(4, "0")}, expected 0700`;
}

function ensurePrivateDirectory(dir: string, uid: number | undefined): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
    // The umask may have taken owner bits too; we just made it, so this chmod cannot follow a planted link.
    chmodSync(dir, 0o700);
  } catch (error) {
    const code = errno(error);
    if (code !== "EEXIST") throw new ConfigError(`cannot create IPC socket directory ${dir} (${code ?? String(error)})`);
  }
  const problem = socketDirectoryProblem(dir, uid);
  if (problem) throw new ConfigError(`refusing IPC socket directory ${dir}: ${problem}`);
}

/** A socket left at this exact path by an earlier process with our pid; only we can write here. */
function removeStale(path: string): void {
  try {
    if (lstatSync(path).isDirectory()) throw new ConfigError(`IPC socket path is a directory: ${path}`);
  } catch (error) {
    if (errno(error) === "ENOENT") return;
    throw error;
  }
  unlinkSync(path);
}
