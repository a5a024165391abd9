// ES256: ECDSA over P-256 with SHA-256, DER signatures (spec 2). Pure; keys are
// passed in as bytes. Verification accepts high or low S and refuses trailing bytes.
// Verifying uses the runtime's native ECDSA (node:crypto): at every start a licence
// is verified, and native code is ~30× faster cold than pure JS and allocates no
// precomputed tables. Signing and the public point are native too: noble's first
// signature builds a base-point table, ~40 ms of every STANDARD start (bench, issue 15).
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { encodeUtf8 } from "../text/utf8.ts";
import { readOnly, Tag } from "./der.ts";
import { isP256Scalar } from "./p256-checks.ts";

const asBytes = (message: Uint8Array | string) => (typeof message === "string" ? encodeUtf8(message) : message);

/** SubjectPublicKeyInfo for an uncompressed P-256 point, up to the point itself. */
const SPKI_P256_PREFIX = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");
const keyObjects = new Map<string, KeyObject>();
/** PKCS#8 for a P-256 scalar without its public key (the runtime derives it), up to the 32 scalar bytes. */
const PKCS8_P256_PREFIX = Buffer.from("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420", "hex");
/** By the secret's identity: its bytes are never copied into a lookup key. */
const privateKeys = new WeakMap<Uint8Array, KeyObject>();

function privateKeyOf(secret: Uint8Array): KeyObject {
  let key = privateKeys.get(secret);
  if (!key) {
    if (secret.length !== 32) throw new Error("a P-256 secret is 32 bytes");
    const der = Buffer.concat([PKCS8_P256_PREFIX, secret]);
    try {
      key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    } finally {
      der.fill(0);
    }
    privateKeys.set(secret, key);
  }
  return key;
}

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
  return new Uint8Array(sign("sha256", asBytes(message), { key: privateKeyOf(secret), dsaEncoding: "der" }));
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
  // Rejection sampling: a 32-byte draw falls outside [1, n−1] with probability ~2⁻³².
  for (;;) {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    if (isP256Scalar(secret)) return secret;
  }
}

export function publicPointOf(secret: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyOf(secret)).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(SPKI_P256_PREFIX.length));
}
