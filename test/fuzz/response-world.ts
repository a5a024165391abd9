// What the DRM fuzz targets send and expect: one request's nonce, machine and licence,
// the genuine response payload, and values that nearly match them. Test-side only.
import fc from "fast-check";
import { parseJsonObject } from "../../src/crypto/signed-envelope.ts";
import type { ExpectedResponse } from "../../src/drm/response.ts";
import { decodeUtf8OrNull } from "../../src/text/utf8.ts";
import { org } from "./license-oracle.ts";

// Digit-only machine id and licence key, so that numbers-for-strings are near misses.
export const expected: ExpectedResponse = {
  orgPublicPoint: org.point,
  nonce: "7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8",
  machineId: "12345",
  licenseKey: "42",
};

export const genuine = {
  status: "ACTIVE",
  request_nonce: expected.nonce,
  machine_id: expected.machineId,
  license_key: expected.licenseKey,
  responded_at: "2026-01-01T00:00:00Z",
};

/** The exact expected values, and values a careless comparison would take for them. */
export const nearMisses = fc.constantFrom<unknown>(
  expected.nonce,
  expected.machineId,
  expected.licenseKey,
  expected.nonce.toUpperCase(),
  ` ${expected.nonce}`,
  `${expected.nonce}\n`,
  expected.nonce.slice(0, -1),
  `${expected.nonce}0`,
  `${expected.nonce}\u0000`,
  12345,
  42,
  42.5,
  "042",
  "12345 ",
  "4\u200b2",
  "４２",
  [expected.licenseKey],
  { value: expected.machineId },
  "",
  null,
  true,
);

/** The body as a JSON object, read the way the client reads it; null when it is not one. */
export function jsonObjectOf(body: Uint8Array): Record<string, unknown> | null {
  const text = decodeUtf8OrNull(body);
  return text === null ? null : parseJsonObject(text);
}
