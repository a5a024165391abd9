// base64url (RFC 4648 §5) as spec 2 fixes it: written unpadded; read with or
// without `=` padding; any other character, or an impossible length, is refused.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Decodes strictly; returns null for anything that is not base64url. */
export function decodeBase64url(text: string): Uint8Array | null {
  const body = text.replace(/={1,2}$/, "");
  if (body.length % 4 === 1) return null;
  if (text.length !== body.length && text.length % 4 !== 0) return null;
  for (const c of body) if (!VALUE.has(c)) return null;
  // Refuse non-canonical trailing bits, so one byte string has one encoding.
  const rest = body.length % 4;
  if (rest > 0) {
    const last = VALUE.get(body[body.length - 1] as string) as number;
    if ((rest === 2 && last & 0x0f) || (rest === 3 && last & 0x03)) return null;
  }
  return new Uint8Array(Buffer.from(body, "base64url"));
}
