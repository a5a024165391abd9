// The licence loader's contract as the fuzz targets judge it (spec 3.2, 3.3): the
// vector keys, the day licences are judged on, and every documented refusal.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LicenseError } from "../../src/errors.ts";
import { verifyLicenseBytes } from "../../src/license/load.ts";
import type { License } from "../../src/license/validate.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { isoDay } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

export const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
export const other = await keyPairFromPem(readFileSync(join(VECTORS, "other_private.pem"), "utf8"));
export const TODAY = isoDay();
export const utf8 = new TextEncoder();

export const SIGNATURE_FAILED = "license signature verification failed";
export const PAYLOAD_MALFORMED = "invalid license payload: malformed JSON";

/** Every refusal spec 3.3 and 3.2 document (line breaks are checked apart, so `.` matches any character). */
export const DOCUMENTED_REFUSALS = [
  /^invalid license file: malformed JSON$/,
  /^unsupported license algorithm: .* \(expected ES256\)$/s,
  /^license signature verification failed$/,
  /^invalid license payload: malformed JSON$/,
  /^license version -?\d+ is not supported \(expected 1\)$/,
  /^license missing [a-z_]+$/,
  /^invalid [a-z_]+: .+$/s,
  /^unknown license type: .*$/s,
  /^license is not yet active \(activates: \d{4}-\d{2}-\d{2}\)$/,
  /^license has expired \(expiry: \d{4}-\d{2}-\d{2}\)$/,
  /^(STANDARD|HARDWARE_BOUND) license (missing|must not have) [a-z_]+$/,
];

/**
 * Verifies the bytes; returns the licence, or the refusal message once it is known to
 * be a one-line, documented LicenseError. Anything else fails the property.
 */
export async function licenseOutcome(input: Uint8Array | string): Promise<License | string> {
  try {
    return await verifyLicenseBytes(typeof input === "string" ? utf8.encode(input) : input, org.point, TODAY);
  } catch (error) {
    if (!(error instanceof LicenseError)) throw new Error(`not a LicenseError: ${String(error)}`);
    const { message } = error;
    if (/[\r\n]/.test(message)) throw new Error(`multi-line refusal: ${JSON.stringify(message)}`);
    if (!DOCUMENTED_REFUSALS.some((pattern) => pattern.test(message))) throw new Error(`undocumented refusal: ${JSON.stringify(message)}`);
    return message;
  }
}

/** The refusal message; fails when the input was accepted. */
export async function refusalOf(input: Uint8Array | string): Promise<string> {
  const outcome = await licenseOutcome(input);
  if (typeof outcome !== "string") throw new Error(`accepted: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** The loaded licence; fails when the input was refused. */
export async function licenseOf(input: Uint8Array | string): Promise<License> {
  const outcome = await licenseOutcome(input);
  if (typeof outcome === "string") throw new Error(`refused: ${outcome}`);
  return outcome;
}
