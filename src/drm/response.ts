// Verification of a 200 response (spec 4.2), in the spec's order; says which
// check failed. Pure: the org key and what was sent are passed in.
import { openEnvelope, parseEnvelope } from "../crypto/signed-envelope.ts";

/** 1 MiB: a larger body is refused unread (the reader stops just past it). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export type ResponseCheck = "size" | "envelope" | "signature" | "payload" | "request_nonce" | "machine_id" | "license_key" | "session_id";

export type ResponseVerification = { ok: true; payload: Record<string, unknown> } | { ok: false; failed: ResponseCheck };

export interface ExpectedResponse {
  orgPublicPoint: Uint8Array;
  nonce: string;
  machineId: string;
  licenseKey: string;
  /** Floating-seat calls (spec 16.1): the run's session, checked like the machine and licence. */
  sessionId?: string;
}

/** `body` is null when the reader cut it at the size limit. */
export function verifyResponse(body: Uint8Array | null, expected: ExpectedResponse): ResponseVerification {
  if (body === null || body.length > MAX_RESPONSE_BYTES) return { ok: false, failed: "size" };
  const envelope = parseEnvelope(body);
  if (!envelope) return { ok: false, failed: "envelope" };
  const opened = openEnvelope(envelope, expected.orgPublicPoint);
  if (!opened.ok) return { ok: false, failed: opened.failed };
  const { payload } = opened;
  if (payload.request_nonce !== expected.nonce) return { ok: false, failed: "request_nonce" };
  // "Where present": an absent field is fine, a present one of any other value is not.
  if ("machine_id" in payload && payload.machine_id !== expected.machineId) return { ok: false, failed: "machine_id" };
  if ("license_key" in payload && payload.license_key !== expected.licenseKey) return { ok: false, failed: "license_key" };
  if (expected.sessionId !== undefined && "session_id" in payload && payload.session_id !== expected.sessionId)
    return { ok: false, failed: "session_id" };
  return { ok: true, payload };
}
