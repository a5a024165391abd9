import { describe, expect, test } from "bun:test";
import { p256 } from "@noble/curves/nist.js";
import { concatBytes, Tag, writeTlv } from "../../src/crypto/der.ts";
import { derFromRaw, rawFromDer } from "../../src/crypto/ecdsa-der.ts";

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const bytes32 = (n: bigint) => new Uint8Array(Buffer.from(n.toString(16).padStart(64, "0"), "hex"));
const bytes = (...values: number[]) => new Uint8Array(values);
const integer = (value: Uint8Array) => writeTlv(Tag.integer, value);
const sequence = (...parts: Uint8Array[]) => writeTlv(Tag.sequence, ...parts);

// r has its top bit set (DER needs a leading zero); s has leading zero bytes (DER drops them).
const r = bytes32(N - 5n);
const s = bytes32(0x1234n);
const raw = concatBytes(r, s);
const der = sequence(integer(concatBytes(bytes(0), r)), integer(bytes(0x12, 0x34)));

describe("DER ↔ raw ECDSA signatures", () => {
  test("minimal DER both ways: a sign-padding zero for a high top bit, none for leading zeros", () => {
    expect(derFromRaw(raw)).toEqual(der);
    expect(rawFromDer(der)).toEqual(raw);
    expect(derFromRaw(new Uint8Array(64))).toEqual(sequence(integer(bytes(0)), integer(bytes(0))));
  });

  test("agrees with @noble/curves on random signatures, both ways", () => {
    for (let i = 0; i < 50; i++) {
      const random = crypto.getRandomValues(new Uint8Array(64));
      // Leading zero bytes and high top bits are the edge cases; force some of each.
      if (i % 3 === 0) random.fill(0, 0, i % 5);
      if (i % 4 === 0) random[32] = 0x80 | (random[32] as number);
      const theirs = p256.Signature.fromBytes(random, "compact").toBytes("der");
      expect(derFromRaw(random)).toEqual(theirs);
      expect(rawFromDer(theirs)).toEqual(random);
    }
  });

  test("a raw signature that is not 64 bytes is a programming error", () => {
    expect(() => derFromRaw(new Uint8Array(63))).toThrow("a raw P-256 signature is 64 bytes");
  });

  // r = 0 and r = n are well-formed DER: the converter passes them on and verification refuses them (crypto.test.ts).
  test.each([
    ["r = 0", sequence(integer(bytes(0)), integer(bytes(0x12, 0x34))), concatBytes(new Uint8Array(32), s)],
    ["r = n", sequence(integer(concatBytes(bytes(0), bytes32(N))), integer(bytes(0x12, 0x34))), concatBytes(bytes32(N), s)],
  ])("%s is well-formed", (_, input, expected) => {
    expect(rawFromDer(input)).toEqual(expected);
  });

  test.each([
    ["nothing", bytes()],
    ["a trailing byte", concatBytes(der, bytes(0))],
    ["a truncated SEQUENCE", der.subarray(0, der.length - 1)],
    ["a non-minimal length", concatBytes(bytes(0x30, 0x81, der.length - 2), der.subarray(2))],
    ["a negative INTEGER", sequence(integer(r), integer(bytes(0x12, 0x34)))],
    ["a non-minimal INTEGER (a needless leading zero)", sequence(integer(concatBytes(bytes(0), r)), integer(bytes(0, 0x12, 0x34)))],
    ["a non-minimal zero", sequence(integer(bytes(0, 0)), integer(bytes(0x12, 0x34)))],
    ["a 33-byte value", sequence(integer(concatBytes(bytes(1), r)), integer(bytes(0x12, 0x34)))],
    ["an empty INTEGER", sequence(integer(bytes()), integer(bytes(0x12, 0x34)))],
    ["one INTEGER", sequence(integer(bytes(0x12, 0x34)))],
    ["three INTEGERs", sequence(integer(bytes(1)), integer(bytes(2)), integer(bytes(3)))],
    ["a SET, not a SEQUENCE", concatBytes(bytes(0x31), der.subarray(1))],
    ["an OCTET STRING where an INTEGER belongs", sequence(writeTlv(Tag.octetString, bytes(1)), integer(bytes(0x12, 0x34)))],
    ["bytes trailing inside the SEQUENCE", sequence(integer(bytes(1)), integer(bytes(2)), bytes(0))],
  ])("refuses %s", (_, input) => {
    expect(rawFromDer(input)).toBeNull();
  });
});
