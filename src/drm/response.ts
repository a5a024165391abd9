// Verification of a 200 response (spec 4.2), in the spec's order; says which
// check failed. Pure: the org key and what was sent are passed in. Opening (the
// signature) is async, WebCrypto's; matching the payload to the request is not.
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

export type OpenedResponse =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; failed: "size" | "envelope" | "signature" | "payload" };

/** Size, envelope, signature and payload: the checks that need only the org key. `body` is null when the reader cut it at the size limit. */
export async function openResponse(body: Uint8Array | null, orgPublicPoint: Uint8Array): Promise<OpenedResponse> {
  if (body === null || body.length > MAX_RESPONSE_BYTES) return { ok: false, failed: "size" };
  const envelope = parseEnvelope(body);
  if (!envelope) return { ok: false, failed: "envelope" };
  const opened = await openEnvelope(envelope, orgPublicPoint);
  return opened.ok ? { ok: true, payload: opened.payload } : opened;
}

/** The opened payload against what was sent. */
export function matchResponse(opened: OpenedResponse, expected: Omit<ExpectedResponse, "orgPublicPoint">): ResponseVerification {
  if (!opened.ok) return opened;
  const { payload } = opened;
  if (payload.request_nonce !== expected.nonce) return { ok: false, failed: "request_nonce" };
  // "Where present": an absent field is fine, a present one of any other value is not.
  if ("machine_id" in payload && payload.machine_id !== expected.machineId) return { ok: false, failed: "machine_id" };
  if ("license_key" in payload && payload.license_key !== expected.licenseKey) return { ok: false, failed: "license_key" };
  if (expected.sessionId !== undefined && "session_id" in payload && payload.session_id !== expected.sessionId)
    return { ok: false, failed: "session_id" };
  return { ok: true, payload };
}

export async function verifyResponse(body: Uint8Array | null, expected: ExpectedResponse): Promise<ResponseVerification> {
  return matchResponse(await openResponse(body, expected.orgPublicPoint), expected);
}
