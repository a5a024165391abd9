// Durable, atomic file writes in the state directory (temp file, fsync, rename,
// fsync directory), through an fs seam so tests can make writes fail. Knows no formats.
import * as nodeFs from "node:fs";
import { join } from "node:path";
import { errno } from "../errno.ts";
import { describeError, InternalError } from "../errors.ts";

/** The calls that write the state directory; tests inject failures here. */
export type StateFs = Pick<
  typeof nodeFs,
  "openSync" | "writeSync" | "fsyncSync" | "fchmodSync" | "closeSync" | "renameSync" | "unlinkSync" | "readdirSync"
>;
export const defaultFs: StateFs = nodeFs;

export const FILE_MODE = 0o600;

/** `.<name>.<pid>.<hex>.tmp`: the pid lets a later process tell a dead writer's leftovers from a live one's. */
export const TEMP_PATTERN = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** Error text with the path and the errno code, e.g. `cannot write /s/state.enc: ENOSPC: no space left on device`. */
export function ioError(what: string, error: unknown): InternalError {
  const code = errno(error);
  const text = describeError(error);
  return new InternalError(`${what}: ${typeof code === "string" && !text.startsWith(code) ? `${code}: ${text}` : text}`);
}

export function removeQuietly(path: string, fs: StateFs = defaultFs): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // Already gone, or the directory is read-only: a stale temp is cleaned by the next writer.
  }
}

/**
 * Writes `data` to a new 0600 temp file next to `name`, fsynced unless `durable` is false (a
 * lock token, which a crash makes stale anyway); returns its path. Nothing is left on failure.
 */
export function writeTempFile(dir: string, name: string, data: Uint8Array, fs: StateFs = defaultFs, durable = true): string {
  const temp = join(dir, `.${name}.${process.pid}.${randomHex(6)}.tmp`);
  try {
    const fd = fs.openSync(temp, "wx", FILE_MODE);
    try {
      fs.fchmodSync(fd, FILE_MODE); // the umask may have taken bits away; make it exactly 0600
      for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return temp;
  } catch (error) {
    removeQuietly(temp, fs);
    throw ioError(`cannot write ${join(dir, name)}`, error);
  }
}

/** Replaces `dir/name` with `data` so that a crash at any instant leaves the old or the new content. */
export function writeFileAtomic(dir: string, name: string, data: Uint8Array, fs: StateFs = defaultFs): void {
  const temp = writeTempFile(dir, name, data, fs);
  try {
    fs.renameSync(temp, join(dir, name));
  } catch (error) {
    removeQuietly(temp, fs);
    throw ioError(`cannot write ${join(dir, name)}`, error);
  }
  syncDirectory(dir, fs);
}

/** Removes `dir/name` durably; absent is fine. */
export function removeFileDurably(dir: string, name: string, fs: StateFs = defaultFs): void {
  try {
    fs.unlinkSync(join(dir, name));
  } catch (error) {
    if (errno(error) === "ENOENT") return;
    throw ioError(`cannot remove ${join(dir, name)}`, error);
  }
  syncDirectory(dir, fs);
}

/** Makes a rename or unlink durable. Windows cannot open a directory for fsync, and NTFS journals renames. */
function syncDirectory(dir: string, fs: StateFs): void {
  if (process.platform === "win32") return;
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw ioError(`cannot sync directory ${dir}`, error);
  }
}
