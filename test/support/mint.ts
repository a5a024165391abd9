// Licence and signed-response minting with canonical JSON (spec 2, 3.1), as the
// vendor's backend produces them. Test-side only.
import { encodeBase64url } from "../../src/crypto/base64url.ts";
import { signEs256 } from "../../src/crypto/es256.ts";
import type { HardwareBoundLicense, License, StandardLicense } from "../../src/license/validate.ts";
import { canonicalJson } from "./canonical-json.ts";

/** `{"payload", "sig"}` over the canonical JSON of `payload`. */
export async function signedEnvelope(payload: unknown, secret: Uint8Array, extra: Record<string, unknown> = {}): Promise<string> {
  const payloadText = encodeBase64url(new TextEncoder().encode(canonicalJson(payload)));
  const sig = encodeBase64url(await signEs256(payloadText, secret));
  return JSON.stringify({ ...extra, payload: payloadText, sig });
}

export function mintLicense(payload: Record<string, unknown>, secret: Uint8Array): Promise<string> {
  return signedEnvelope(payload, secret, { alg: "ES256" });
}

const DAY_MS = 86_400_000;
export const isoDay = (offsetDays = 0, nowMs = Date.now()) => new Date(nowMs + offsetDays * DAY_MS).toISOString().slice(0, 10);

export function standardPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    license_key: "LK-TEST-STANDARD",
    org_id: "org-test",
    software_id: "sw-test",
    license_type: "STANDARD",
    issue_date: isoDay(-30),
    expiry_date: isoDay(365),
    max_machines: 2,
    features: { tier: "pro", seats: 5 },
    heartbeat_interval_minutes: 60,
    heartbeat_grace_period_days: 7,
    ...overrides,
  };
}

export function hardwareBoundPayload(fingerprint: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const {
    heartbeat_interval_minutes: _i,
    heartbeat_grace_period_days: _g,
    ...rest
  } = standardPayload({
    license_key: "LK-TEST-HARDWARE-BOUND",
    license_type: "HARDWARE_BOUND",
    hardware_fingerprint: fingerprint,
  });
  return { ...rest, ...overrides };
}

/** A HARDWARE_BOUND payload bound by a v2 `hardware_binding` (spec 13.3) instead of a fingerprint. */
export function hardwareBindingPayload(binding: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { hardware_fingerprint: _f, ...rest } = hardwareBoundPayload("", { license_key: "LK-TEST-BINDING-V2" });
  return { ...rest, hardware_binding: binding, ...overrides };
}

/** The licence, known to be STANDARD (a test fails here otherwise). */
export function standardOf(license: License): StandardLicense {
  if (license.licenseType !== "STANDARD") throw new Error(`expected a STANDARD licence, got ${license.licenseType}`);
  return license;
}

/** The licence, known to be HARDWARE_BOUND (a test fails here otherwise). */
export function hardwareBoundOf(license: License): HardwareBoundLicense {
  if (license.licenseType !== "HARDWARE_BOUND") throw new Error(`expected a HARDWARE_BOUND licence, got ${license.licenseType}`);
  return license;
}
