// Section 3.3: read → envelope → alg → signature → payload → fields, in that
// order, each failure a LicenseError (exit 65). Never touches the network.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { openEnvelope, parseEnvelope } from "../crypto/signed-envelope.ts";
import { errno } from "../errno.ts";
import { LicenseError } from "../errors.ts";
import { shown } from "../text/quote.ts";
import { utcDay } from "./fields.ts";
import { type License, validatePayload } from "./validate.ts";

export const MAX_LICENSE_BYTES = 1024 * 1024;

export function readLicenseFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = errno(error);
    if (code === "ENOENT") throw new LicenseError(`license file not found: ${path}`);
    if (code === "EACCES") throw new LicenseError(`cannot read license file: ${path}: permission denied`);
    throw new LicenseError(`cannot read license file: ${path}: ${code ?? "unknown error"}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new LicenseError(`cannot read license file: ${path}: is a directory`);
    const bytes = readCapped(fd, MAX_LICENSE_BYTES);
    if (bytes.length > MAX_LICENSE_BYTES) throw new LicenseError(`license file too large: ${path} (over 1 MiB)`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** Reads at most one byte past `cap`, so a huge or endless file is never read whole. */
export function readCapped(fd: number, cap: number): Uint8Array {
  const buffer = new Uint8Array(cap + 1);
  let length = 0;
  for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
  return buffer.subarray(0, length);
}

/** Verifies licence file bytes with the organisation key; dates judged on `today`. */
export async function verifyLicenseBytes(bytes: Uint8Array, orgPublicPoint: Uint8Array, today: string): Promise<License> {
  const envelope = parseEnvelope(bytes);
  if (!envelope) throw new LicenseError("invalid license file: malformed JSON");
  const alg = envelope.fields.alg;
  if (alg !== "ES256") {
    throw new LicenseError(`unsupported license algorithm: ${shown(alg)} (expected ES256)`);
  }
  const opened = await openEnvelope(envelope, orgPublicPoint);
  if (!opened.ok) {
    throw new LicenseError(
      opened.failed === "signature" ? "license signature verification failed" : "invalid license payload: malformed JSON",
    );
  }
  return validatePayload(opened.payloadText, opened.payload, today);
}

/** Reads and verifies a licence file against the current (or given) time. */
export async function loadLicense(path: string, orgPublicPoint: Uint8Array, nowMs = Date.now()): Promise<License> {
  return verifyLicenseBytes(readLicenseFile(path), orgPublicPoint, utcDay(nowMs));
}
