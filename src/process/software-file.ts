// Checks on the software file before launch (spec 7.1): it must be an executable
// regular file, and match the licence's software_checksum when there is one.
import { accessSync, constants, statSync } from "node:fs";
import { LicenseError, UsageError } from "../errors.ts";

/** Throws UsageError (64) unless `path` is a regular file we may execute. */
export function checkExecutable(path: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new UsageError(`software not found: ${path}`);
    throw new UsageError(`software cannot be inspected: ${path} (${code ?? "unknown error"})`);
  }
  if (stats.isDirectory()) throw new UsageError(`software is a directory: ${path}`);
  if (!stats.isFile()) throw new UsageError(`software is not a regular file: ${path}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new UsageError(`software is not executable: ${path}`);
  }
}

/** Streams the file through SHA-256 and throws LicenseError (65) unless it equals `expectedHex`. */
export async function verifySoftwareChecksum(path: string, expectedHex: string): Promise<void> {
  const hasher = new Bun.CryptoHasher("sha256");
  try {
    for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  } catch (error) {
    throw new UsageError(`software cannot be read: ${path} (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`);
  }
  if (hasher.digest("hex") !== expectedHex.toLowerCase()) throw new LicenseError("software checksum mismatch");
}
