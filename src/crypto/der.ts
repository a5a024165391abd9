// A minimal strict DER reader: enough ASN.1 to take apart SPKI and PKCS#8 keys.
// It never indexes past its input; a malformed structure returns null.

export interface Tlv {
  tag: number;
  /** The value bytes (a view into the input). */
  value: Uint8Array;
  /** Offset just past this element in the input. */
  end: number;
}

export function readTlv(bytes: Uint8Array, offset = 0): Tlv | null {
  if (offset + 2 > bytes.length) return null;
  const tag = bytes[offset] as number;
  let length = bytes[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || start + count > bytes.length) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] as number);
    // DER: the shortest length form only.
    if (length < 0x80 || (count > 1 && bytes[start] === 0)) return null;
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) return null;
  return { tag, value: bytes.subarray(start, end), end };
}

/** The elements of a constructed value, or null if they do not exactly fill it. */
export function readChildren(value: Uint8Array): Tlv[] | null {
  const children: Tlv[] = [];
  let offset = 0;
  while (offset < value.length) {
    const child = readTlv(value, offset);
    if (!child) return null;
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** A whole input that is exactly one element of the given tag. */
export function readOnly(bytes: Uint8Array, tag: number): Tlv | null {
  const tlv = readTlv(bytes);
  return tlv && tlv.tag === tag && tlv.end === bytes.length ? tlv : null;
}

export const Tag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  sequence: 0x30,
  context0: 0xa0,
  context1: 0xa1,
} as const;

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function writeTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array([tag, ...encodeLength(length)]);
  return concatBytes(out, ...parts);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
