// SHA-256 helpers, pure. The runtime's native hasher: a JavaScript SHA-256 costs ~2 ms
// of every start in its first calls (bench, issue 15).
import { encodeUtf8 } from "../text/utf8.ts";

export function sha256Bytes(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(new Bun.CryptoHasher("sha256").update(data).digest());
}

export function sha256Hex(data: Uint8Array | string): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/** Constant-time equality of two strings, for secrets and fingerprints. */
export function equalsConstantTime(a: string, b: string): boolean {
  const x = encodeUtf8(a);
  const y = encodeUtf8(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
