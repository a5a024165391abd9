import { describe, expect, test } from "bun:test";
import { p256 } from "@noble/curves/nist.js";
import { generateSecretKey, publicPointOf } from "../../src/crypto/es256.ts";
import { isP256Point, isP256Scalar } from "../../src/crypto/p256-checks.ts";

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const bytes32 = (n: bigint) => new Uint8Array(Buffer.from(n.toString(16).padStart(64, "0"), "hex"));

describe("isP256Point (checked against @noble/curves)", () => {
  test("real points pass: the generator and fresh public keys", () => {
    expect(isP256Point(p256.Point.BASE.toBytes(false))).toBe(true);
    for (let i = 0; i < 20; i++) expect(isP256Point(p256.getPublicKey(p256.utils.randomSecretKey(), false))).toBe(true);
  });

  test("off-curve, out-of-range, compressed and wrong-length points fail", () => {
    const point = p256.getPublicKey(p256.utils.randomSecretKey(), false);
    const flipped = new Uint8Array(point);
    flipped[64] = (flipped[64] as number) ^ 1;
    expect(isP256Point(flipped)).toBe(false);
    expect(isP256Point(new Uint8Array([4, ...new Uint8Array(64).fill(7)]))).toBe(false);
    expect(isP256Point(new Uint8Array([4, ...bytes32(P), ...point.subarray(33)]))).toBe(false);
    expect(isP256Point(p256.getPublicKey(p256.utils.randomSecretKey(), true))).toBe(false);
    expect(isP256Point(point.subarray(0, 64))).toBe(false);
    expect(isP256Point(new Uint8Array([3, ...point.subarray(1)]))).toBe(false);
  });
});

describe("isP256Scalar", () => {
  test("1 and n−1 pass; 0, n, n+1 and wrong lengths fail", () => {
    expect(isP256Scalar(bytes32(1n))).toBe(true);
    expect(isP256Scalar(bytes32(N - 1n))).toBe(true);
    expect(isP256Scalar(bytes32(0n))).toBe(false);
    expect(isP256Scalar(bytes32(N))).toBe(false);
    expect(isP256Scalar(bytes32(N + 1n))).toBe(false);
    expect(isP256Scalar(new Uint8Array(31).fill(1))).toBe(false);
  });

  test("generated keys are valid scalars whose native public point matches noble's", async () => {
    for (let i = 0; i < 10; i++) {
      const secret = generateSecretKey();
      expect(p256.utils.isValidSecretKey(secret)).toBe(true);
      expect(await publicPointOf(secret)).toEqual(p256.getPublicKey(secret, false));
    }
  });
});
