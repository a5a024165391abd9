// Reading the Linux collector's files under a root (spec 10: SENTINEL_HW_ROOT in
// test builds, "/" otherwise). Paths are logical ("/etc/machine-id"), shown as such
// in messages; only this module joins them to the root. Read-only, no processes.
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { errno } from "../errno.ts";
import { type PartName, partError } from "./parts.ts";

export type ReadResult = { ok: true; text: string } | { ok: false; code: string };

function errorCode(error: unknown): string {
  const code = errno(error);
  return typeof code === "string" ? code : "unknown error";
}

/** Reads a logical path under `root`; a failure is its errno code, never an exception. */
export function readUnderRoot(root: string, path: string): ReadResult {
  try {
    return { ok: true, text: readFileSync(join(root, path), "utf8") };
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
}

/** Plain words for a failed read; `permissionHint` adds why a permission problem is expected there. */
export function describeReadFailure(code: string, permissionHint?: string): string {
  if (code === "EACCES" || code === "EPERM") return permissionHint ? `permission denied (${permissionHint})` : "permission denied";
  if (code === "ENOENT" || code === "ENOTDIR") return "not found";
  if (code === "EISDIR") return "is a directory, not a file";
  return code;
}

/** Reads a file a part depends on, or throws that part's LicenseError. */
export function readPartFile(root: string, part: PartName, path: string): string {
  const read = readUnderRoot(root, path);
  if (!read.ok) throw partError(part, path, describeReadFailure(read.code));
  return read.text;
}

/**
 * Where a sysfs link points, as a logical path. A symlink is read with readlink;
 * a regular file holds the link text (copies of sysfs flatten links into files,
 * as the shared fixture roots do); a directory is already where it points.
 * Relative targets resolve against the link's directory and never above "/".
 */
export function resolveLinkUnderRoot(root: string, part: PartName, link: string): string {
  const physical = join(root, link);
  let text: string;
  try {
    const stat = lstatSync(physical);
    if (stat.isDirectory()) return link;
    if (stat.isSymbolicLink()) text = readlinkSync(physical, "utf8");
    else text = stat.isFile() && stat.size <= 4096 ? readFileSync(physical, "utf8").trim() : "";
  } catch (error) {
    throw partError(part, link, describeReadFailure(errorCode(error)));
  }
  if (text === "") throw partError(part, link, "is not a link to a device");
  return posix.resolve(posix.dirname(link), text);
}

/** What a logical path under `root` is, following real symlinks. */
export function pathKind(root: string, path: string): "directory" | "other" | "missing" {
  try {
    return statSync(join(root, path)).isDirectory() ? "directory" : "other";
  } catch {
    return "missing";
  }
}

/** Raw bytes of a logical path under `root` (binary sysfs attributes such as vpd_pg80). */
export function readBytesUnderRoot(root: string, path: string): { ok: true; bytes: Uint8Array } | { ok: false; code: string } {
  try {
    return { ok: true, bytes: readFileSync(join(root, path)) };
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
}

/** Entry names of a logical directory under `root`; [] when it cannot be listed. */
export function listUnderRoot(root: string, path: string): string[] {
  try {
    return readdirSync(join(root, path)).sort();
  } catch {
    return [];
  }
}
