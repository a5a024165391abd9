// ES256: ECDSA over P-256 with SHA-256, DER signatures (spec 2). Pure; keys are
// passed in as bytes. Verification accepts high or low S and refuses trailing bytes.
import { p256 } from "@noble/curves/nist.js";
import { readOnly, Tag } from "./der.ts";

const utf8 = new TextEncoder();
const asBytes = (message: Uint8Array | string) => (typeof message === "string" ? utf8.encode(message) : message);

export function signEs256(message: Uint8Array | string, secret: Uint8Array): Uint8Array {
  return p256.sign(asBytes(message), secret, { format: "der", lowS: true });
}

export function verifyEs256(signature: Uint8Array, message: Uint8Array | string, publicPoint: Uint8Array): boolean {
  // One SEQUENCE filling the input exactly: nothing may trail it.
  if (!readOnly(signature, Tag.sequence)) return false;
  try {
    return p256.verify(signature, asBytes(message), publicPoint, { format: "der", lowS: false });
  } catch {
    return false;
  }
}

/** A new P-256 secret scalar from the platform CSPRNG. */
export function generateSecretKey(): Uint8Array {
  return p256.utils.randomSecretKey();
}

export function publicPointOf(secret: Uint8Array): Uint8Array {
  return p256.getPublicKey(secret, false);
}
