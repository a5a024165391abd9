// The signed envelope shared by licence files and DRM responses (spec 3.1, 4.2):
// {"payload": base64url(JSON), "sig": base64url(DER)}, the signature over the
// payload string exactly as received. Verifiers never re-serialise.

import { decodeUtf8OrNull } from "../text/utf8.ts";
import { decodeBase64url } from "./base64url.ts";
import { verifyEs256 } from "./es256.ts";

export interface Envelope {
  fields: Record<string, unknown>;
  payload: string;
  sig: string;
}

export type OpenedEnvelope =
  | { ok: true; payloadText: string; payload: Record<string, unknown> }
  | { ok: false; failed: "signature" | "payload" };

export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The envelope object with string `payload` and `sig`, or null. */
export function parseEnvelope(body: Uint8Array | string): Envelope | null {
  const text = typeof body === "string" ? body : decodeUtf8OrNull(body);
  const fields = text === null ? null : parseJsonObject(text);
  if (!fields || typeof fields.payload !== "string" || typeof fields.sig !== "string") return null;
  return { fields, payload: fields.payload, sig: fields.sig };
}

/** Verifies the signature, then decodes the payload into a JSON object. */
export async function openEnvelope(envelope: Envelope, orgPublicPoint: Uint8Array): Promise<OpenedEnvelope> {
  const signature = decodeBase64url(envelope.sig);
  if (!signature || !(await verifyEs256(signature, envelope.payload, orgPublicPoint))) return { ok: false, failed: "signature" };
  const payloadBytes = decodeBase64url(envelope.payload);
  const payloadText = payloadBytes && decodeUtf8OrNull(payloadBytes);
  const payload = payloadText ? parseJsonObject(payloadText) : null;
  if (!payloadText || !payload) return { ok: false, failed: "payload" };
  return { ok: true, payloadText, payload };
}
