// The software file (spec 7.1, 12.4): `--software` made absolute once and never looked
// up in PATH; checked before anything else; opened and hashed immediately before launch,
// so the launcher can execute the very descriptor whose content was hashed.

import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { errno } from "../errno.ts";
import { LicenseError, UsageError } from "../errors.ts";

const CHUNK = 1024 * 1024;

/** `--software` as the one absolute path used from then on: relative to the working directory, never searched in PATH. */
export function softwarePath(argument: string, cwd = process.cwd()): string {
  if (argument === "") throw new UsageError("software not found: (empty path)");
  return resolve(cwd, argument);
}

function describeCode(error: unknown): string {
  return errno(error) ?? "unknown error";
}

/** Throws UsageError (64) unless `path` is a regular file we may execute. */
export function checkExecutable(path: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = errno(error);
    if (code === "ENOENT" || code === "ENOTDIR") throw new UsageError(`software not found: ${path}`);
    throw new UsageError(`software cannot be inspected: ${path} (${describeCode(error)})`);
  }
  if (stats.isDirectory()) throw new UsageError(`software is a directory: ${path}`);
  if (!stats.isFile()) throw new UsageError(`software is not a regular file: ${path}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(`software is not executable: ${path}`);
  }
}

/** The software, open for reading: what the launcher executes (on Linux, the descriptor itself). */
export interface SoftwareFile {
  path: string;
  fd: number;
  /** Starts with `#!`: the kernel hands it to an interpreter. */
  script: boolean;
  /** Its content was hashed and matched the licence. */
  verified: boolean;
  close(): void;
}

/** SHA-256 of everything `fd` holds, read from offset 0 without moving any shared position. */
export function hashDescriptor(fd: number): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let position = 0; ; ) {
    const bytesRead = readSync(fd, buffer, 0, CHUNK, position);
    if (bytesRead === 0) return hasher.digest("hex");
    hasher.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/**
 * Opens the software at launch time and, when the licence has a checksum, hashes that
 * open file: LicenseError (65) on a mismatch, UsageError (64) when it is gone or unreadable.
 */
export function openSoftware(path: string, expectedHex?: string): SoftwareFile {
  let fd: number;
  try {
    fd = openSync(path, "r"); // Bun opens close-on-exec: no other child inherits it
  } catch (error) {
    throw new UsageError(`software cannot be read: ${path} (${describeCode(error)})`);
  }
  const close = () => closeSync(fd);
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`software is not a regular file: ${path}`);
    const magic = Buffer.alloc(2);
    const bytesRead = readSync(fd, magic, 0, 2, 0);
    const script = bytesRead === 2 && magic.toString("latin1") === "#!";
    if (expectedHex && hashDescriptor(fd) !== expectedHex.toLowerCase()) throw new LicenseError("software checksum mismatch");
    return { path, fd, script, verified: Boolean(expectedHex), close };
  } catch (error) {
    close();
    if (error instanceof LicenseError || error instanceof UsageError) throw error;
    throw new UsageError(`software cannot be read: ${path} (${describeCode(error)})`);
  }
}
