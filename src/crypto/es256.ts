// ES256: ECDSA over P-256 with SHA-256, DER signatures (spec 2). Pure; keys are
// passed in as bytes. Verification accepts high or low S and refuses trailing bytes.
// Verifying uses the runtime's native ECDSA (node:crypto): at every start a licence
// is verified, and native code is ~30× faster cold than pure JS and allocates no
// precomputed tables. Signing and key generation use @noble/curves.
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { encodeUtf8 } from "../text/utf8.ts";
import { readOnly, Tag } from "./der.ts";

const asBytes = (message: Uint8Array | string) => (typeof message === "string" ? encodeUtf8(message) : message);

/** SubjectPublicKeyInfo for an uncompressed P-256 point, up to the point itself. */
const SPKI_P256_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");
const keyObjects = new Map<string, KeyObject>();

function keyObjectOf(point: Uint8Array): KeyObject {
  const id = Buffer.from(point).toString("hex");
  let key = keyObjects.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_P256_PREFIX, point]), format: "der", type: "spki" });
    keyObjects.set(id, key);
  }
  return key;
}

export function signEs256(message: Uint8Array | string, secret: Uint8Array): Uint8Array {
  return p256.sign(asBytes(message), secret, { format: "der", lowS: true });
}

export function verifyEs256(signature: Uint8Array, message: Uint8Array | string, publicPoint: Uint8Array): boolean {
  // One SEQUENCE filling the input exactly: nothing may trail it.
  if (!readOnly(signature, Tag.sequence)) return false;
  try {
    return verify("sha256", asBytes(message), { key: keyObjectOf(publicPoint), dsaEncoding: "der" }, signature);
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
