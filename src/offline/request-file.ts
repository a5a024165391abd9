// Offline request files (spec 15.1): activation and deactivation requests as
// licence-file envelopes over canonical JSON, signed by the machine key, and
// written atomically where the customer asked.
import { basename, dirname, resolve } from "node:path";
import { encodeBase64url } from "../crypto/base64url.ts";
import { canonicalJson } from "../crypto/canonical-json.ts";
import { signEs256 } from "../crypto/es256.ts";
import { describeError, UsageError } from "../errors.ts";
import { writeFileAtomic } from "../storage/atomic-file.ts";
import { encodeUtf8 } from "../text/utf8.ts";

/** ISO 8601 UTC to the second, as the Python backend writes its own times. */
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

interface RequestBase {
  licenseKey: string;
  machineId: string;
  nonce: string;
  /** Milliseconds since the epoch. */
  nowMs: number;
}

export function activationRequestPayload(
  input: RequestBase & { machinePublicKeyPem: string; platform: string; softwareVersion: string },
): Record<string, unknown> {
  return {
    v: 1,
    type: "activation_request",
    license_key: input.licenseKey,
    machine_id: input.machineId,
    machine_public_key_pem: input.machinePublicKeyPem,
    platform: input.platform,
    software_version: input.softwareVersion,
    request_nonce: input.nonce,
    created_at: isoSeconds(input.nowMs),
  };
}

export function deactivationRequestPayload(input: RequestBase): Record<string, unknown> {
  return {
    v: 1,
    type: "deactivation_request",
    license_key: input.licenseKey,
    machine_id: input.machineId,
    request_nonce: input.nonce,
    created_at: isoSeconds(input.nowMs),
  };
}

/** `{"alg": "ES256", "payload", "sig"}`: the signature covers the base64url payload string. */
export async function signRequestFile(payload: Record<string, unknown>, machineSecret: Uint8Array): Promise<string> {
  const payloadText = encodeBase64url(encodeUtf8(canonicalJson(payload)));
  const sig = encodeBase64url(await signEs256(payloadText, machineSecret));
  return `${JSON.stringify({ alg: "ES256", payload: payloadText, sig })}\n`;
}

/** Whole or not at all: a temp file beside it, renamed into place (0600). */
export function writeRequestFile(path: string, text: string): void {
  const absolute = resolve(path);
  try {
    writeFileAtomic(dirname(absolute), basename(absolute), encodeUtf8(text));
  } catch (error) {
    throw new UsageError(`cannot write the request file: ${describeError(error)}`);
  }
}
