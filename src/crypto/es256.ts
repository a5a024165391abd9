// ES256: ECDSA over P-256 with SHA-256, DER signatures (spec 2). Pure; keys are
// passed in as bytes. Verification accepts high or low S and refuses trailing bytes.
// On WebCrypto (`crypto.subtle`, global and native): importing Node's crypto module cost ~4.4 ms
// of every start (compiled: 11.0 ms against 6.7 ms empty; importKey+verify ~1.3 ms), and
// pure JS (noble) builds a base-point table on first use, ~40 ms (bench, issue 15).
import { encodeUtf8 } from "../text/utf8.ts";
import { decodeBase64url } from "./base64url.ts";
import { concatBytes } from "./der.ts";
import { derFromRaw, rawFromDer } from "./ecdsa-der.ts";
import { isP256Scalar } from "./p256-checks.ts";

const P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const ES256 = { name: "ECDSA", hash: "SHA-256" } as const;

// WebCrypto's types ask for ArrayBuffer-backed views; every view here is one.
const asBytes = (message: Uint8Array | string) => (typeof message === "string" ? encodeUtf8(message) : message) as Uint8Array<ArrayBuffer>;

const publicKeys = new Map<string, CryptoKey>();
/** PKCS#8 for a P-256 scalar without its public key (the runtime derives it), up to the 32 scalar bytes. */
const PKCS8_P256_PREFIX = Buffer.from("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420", "hex");
/** By the secret's identity: its bytes are never copied into a lookup key. */
const signingKeys = new WeakMap<Uint8Array, CryptoKey>();

async function importSecret(secret: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  if (secret.length !== 32) throw new Error("a P-256 secret is 32 bytes");
  const der = concatBytes(PKCS8_P256_PREFIX, secret) as Uint8Array<ArrayBuffer>;
  try {
    return await crypto.subtle.importKey("pkcs8", der, P256, extractable, ["sign"]);
  } finally {
    der.fill(0);
  }
}

async function signingKeyOf(secret: Uint8Array): Promise<CryptoKey> {
  let key = signingKeys.get(secret);
  if (!key) {
    key = await importSecret(secret, false);
    signingKeys.set(secret, key);
  }
  return key;
}

async function publicKeyOf(point: Uint8Array): Promise<CryptoKey> {
  const id = Buffer.from(point).toString("hex");
  let key = publicKeys.get(id);
  if (!key) {
    key = await crypto.subtle.importKey("raw", point as Uint8Array<ArrayBuffer>, P256, false, ["verify"]);
    publicKeys.set(id, key);
  }
  return key;
}

export async function signEs256(message: Uint8Array | string, secret: Uint8Array): Promise<Uint8Array> {
  const raw = await crypto.subtle.sign(ES256, await signingKeyOf(secret), asBytes(message));
  return derFromRaw(new Uint8Array(raw));
}

/** False for any signature that is not strict DER, not valid, or for a point that is not a P-256 key; never throws. */
export async function verifyEs256(signature: Uint8Array, message: Uint8Array | string, publicPoint: Uint8Array): Promise<boolean> {
  const raw = rawFromDer(signature);
  if (!raw) return false;
  try {
    return await crypto.subtle.verify(ES256, await publicKeyOf(publicPoint), raw as Uint8Array<ArrayBuffer>, asBytes(message));
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

/** The uncompressed point 0x04 ‖ x ‖ y of a secret scalar. */
export async function publicPointOf(secret: Uint8Array): Promise<Uint8Array> {
  // WebCrypto exports a public key only from the private one, as a JWK. Its `d` is a
  // transient copy of the secret in a string, which cannot be zeroed; the GC reclaims it.
  const jwk = await crypto.subtle.exportKey("jwk", await importSecret(secret, true));
  const x = jwk.x === undefined ? null : decodeBase64url(jwk.x);
  const y = jwk.y === undefined ? null : decodeBase64url(jwk.y);
  if (x?.length !== 32 || y?.length !== 32) throw new Error("the runtime exported a malformed P-256 public key");
  return concatBytes(new Uint8Array([4]), x, y);
}
