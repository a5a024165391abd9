// Forged licence files for the attack suite: a payload edited under its old
// signature, and genuine signed server responses dressed up as licences. Test-side only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBase64url, encodeBase64url } from "../../../src/crypto/base64url.ts";
import { canonicalJson } from "../../support/canonical-json.ts";
import { VECTORS } from "../../support/paths.ts";

interface Envelope {
  alg?: string;
  payload: string;
  sig: string;
}

const decodePayload = (envelope: Envelope) =>
  JSON.parse(new TextDecoder().decode(decodeBase64url(envelope.payload) ?? new Uint8Array())) as Record<string, unknown>;
const encodeText = (text: string) => encodeBase64url(new TextEncoder().encode(text));

/** Ways a customer re-encodes a payload while keeping the vendor's signature. */
export const PAYLOAD_EDITS = {
  "expiry extended": (payload: Record<string, unknown>) => encodeText(canonicalJson({ ...payload, expiry_date: "2099-12-31" })),
  "machines raised": (payload: Record<string, unknown>) => encodeText(canonicalJson({ ...payload, max_machines: 1000 })),
  // Same meaning, other bytes: the signature covers the bytes, never a re-serialisation.
  "re-serialised unchanged": (payload: Record<string, unknown>) => encodeText(JSON.stringify(payload, null, 1)),
} as const;

/** The licence text with its payload replaced by `edit(decoded payload)` and the original `sig` kept. */
export function editedLicence(licenceText: string, edit: (payload: Record<string, unknown>) => string): string {
  const envelope = JSON.parse(licenceText) as Envelope;
  return JSON.stringify({ ...envelope, payload: edit(decodePayload(envelope)) });
}

interface ResponseCase {
  name: string;
  body: string;
  failed_check: string | null;
}

/** Every response body in the vectors that carries a genuine org signature (the Python backend's output). */
export function genuineResponses(): Array<{ name: string; body: string }> {
  const vectors = JSON.parse(readFileSync(join(VECTORS, "responses.json"), "utf8")) as { cases: ResponseCase[] };
  const forged = new Set(["signature", "envelope"]);
  return vectors.cases.filter((c) => !forged.has(c.failed_check ?? "")).map(({ name, body }) => ({ name, body }));
}

/** A response envelope as a licence file: as it came, or with the `alg` a licence carries added. */
export function responseAsLicence(body: string, addAlg: boolean): string {
  const envelope = JSON.parse(body) as Envelope;
  return JSON.stringify(addAlg ? { alg: "ES256", ...envelope } : envelope);
}
