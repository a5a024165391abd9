// ECDSA signatures between the wire's DER (ECDSA-Sig-Value, RFC 3279: a SEQUENCE of
// two INTEGERs r and s) and WebCrypto's raw r ‖ s (IEEE P1363, 32 bytes each for P-256).
// Pure. Reading is as strict as the native (BoringSSL) verifier it replaces.
import { concatBytes, readChildren, readOnly, Tag, writeTlv } from "./der.ts";

const HALF = 32;

/**
 * The magnitude of a DER INTEGER that is non-negative, minimally encoded and at most
 * 32 bytes, or null. Range (0 < r, s < n) is left to the verifier, which refuses it.
 */
function scalarOf(value: Uint8Array): Uint8Array | null {
  const first = value[0];
  if (first === undefined || first >= 0x80) return null;
  // A leading zero only to keep the next byte's top bit from reading as a sign.
  if (first === 0 && value.length > 1 && (value[1] as number) < 0x80) return null;
  const magnitude = first === 0 && value.length > 1 ? value.subarray(1) : value;
  return magnitude.length <= HALF ? magnitude : null;
}

/** Raw r ‖ s from a DER signature that is exactly one SEQUENCE of two INTEGERs; else null. */
export function rawFromDer(signature: Uint8Array): Uint8Array | null {
  const sequence = readOnly(signature, Tag.sequence);
  const parts = sequence ? readChildren(sequence.value) : null;
  if (parts?.length !== 2) return null;
  const raw = new Uint8Array(2 * HALF);
  for (const [i, part] of parts.entries()) {
    const scalar = part.tag === Tag.integer ? scalarOf(part.value) : null;
    if (!scalar) return null;
    raw.set(scalar, (i + 1) * HALF - scalar.length);
  }
  return raw;
}

/** The minimal DER INTEGER for an unsigned big-endian value. */
function integerOf(unsigned: Uint8Array): Uint8Array {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const magnitude = unsigned.subarray(start);
  const signed = (magnitude[0] as number) >= 0x80 ? concatBytes(new Uint8Array([0]), magnitude) : magnitude;
  return writeTlv(Tag.integer, signed);
}

/** DER from WebCrypto's raw r ‖ s. */
export function derFromRaw(raw: Uint8Array): Uint8Array {
  if (raw.length !== 2 * HALF) throw new Error("a raw P-256 signature is 64 bytes");
  return writeTlv(Tag.sequence, integerOf(raw.subarray(0, HALF)), integerOf(raw.subarray(HALF)));
}
