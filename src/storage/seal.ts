// AES-256-GCM sealing as spec 5 lays it out: nonce[12] ‖ ciphertext ‖ tag[16], with
// WebCrypto and a fresh CSPRNG nonce per seal. Pure apart from randomness; no files.

export const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The shortest sealed value: a nonce and a tag around an empty plaintext. */
export const MIN_SEALED_BYTES = NONCE_BYTES + TAG_BYTES;

export function importSealKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new RangeError(`AES-256 key must be 32 bytes, got ${raw.length}`);
  return crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function seal(key: CryptoKey, plaintext: Uint8Array): Promise<Uint8Array> {
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const body = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, plaintext as Uint8Array<ArrayBuffer>));
  const out = new Uint8Array(NONCE_BYTES + body.length);
  out.set(nonce);
  out.set(body, NONCE_BYTES);
  return out;
}

/** The plaintext, or null when the value is too short or fails authentication (modified, or another key). */
export async function unseal(key: CryptoKey, sealed: Uint8Array): Promise<Uint8Array | null> {
  if (sealed.length < MIN_SEALED_BYTES) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: sealed.slice(0, NONCE_BYTES) },
      key,
      sealed.slice(NONCE_BYTES) as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}
