// Property test of ES256 verification on WebCrypto (issue 15): on any mutation of a valid
// DER signature our verifier and @noble/curves (the independent oracle) agree, so the
// DER → raw conversion is neither looser nor stricter than a strict DER verifier.
import { describe, expect, test } from "bun:test";
import { p256 } from "@noble/curves/nist.js";
import fc from "fast-check";
import { concatBytes, Tag, writeTlv } from "../../src/crypto/der.ts";
import { rawFromDer } from "../../src/crypto/ecdsa-der.ts";
import { signEs256, verifyEs256 } from "../../src/crypto/es256.ts";
import { generateKeyPair } from "../support/keys.ts";
import { applyMutations, byteMutations } from "./arbitraries.ts";

const MESSAGE = "eyJsaWNlbnNlX2tleSI6IkxLLTEifQ";
const { secret, point } = await generateKeyPair();
/** A signature whose r and s both have their top bit set, so its DER carries sign-padding zeros to strip. */
async function paddedSignature(): Promise<Uint8Array> {
  for (;;) {
    const signature = await signEs256(MESSAGE, secret);
    if (signature[3] === 33 && signature[5 + 33] === 33) return signature;
  }
}
const der = await paddedSignature();
const raw = rawFromDer(der) as Uint8Array;
const [r, s] = [raw.subarray(0, 32), raw.subarray(32)];

function nobleVerdict(signature: Uint8Array): boolean {
  try {
    return p256.verify(signature, new TextEncoder().encode(MESSAGE), point, { format: "der", lowS: false });
  } catch {
    return false;
  }
}

/** An INTEGER's content bytes, rewritten the ways a lax or hostile encoder would. */
const integerContent = (value: Uint8Array) =>
  fc.oneof(
    fc.constant(value),
    fc.nat(3).map((zeros) => concatBytes(new Uint8Array(zeros), value)),
    fc.constant(concatBytes(new Uint8Array([0]), value)),
    fc.constant(value.subarray(value[0] === 0 ? 1 : 0)),
    fc.constant(value.map((byte, i) => (i === 0 ? byte | 0x80 : byte))),
    fc.uint8Array({ maxLength: 34 }),
  );

/** A SEQUENCE of INTEGERs rebuilt from rewritten parts, its length sometimes in a non-minimal long form. */
const rebuilt = fc
  .record({ rc: integerContent(r), sc: integerContent(s), longForm: fc.boolean(), swap: fc.boolean() })
  .map(({ rc, sc, longForm, swap }) => {
    const body = concatBytes(writeTlv(Tag.integer, swap ? sc : rc), writeTlv(Tag.integer, swap ? rc : sc));
    return longForm && body.length < 0x80
      ? concatBytes(new Uint8Array([Tag.sequence, 0x81, body.length]), body)
      : writeTlv(Tag.sequence, body);
  });

describe("security (fuzz): ES256 verification agrees with @noble/curves", () => {
  test("the genuine signature verifies in both", async () => {
    expect(nobleVerdict(der)).toBe(true);
    expect(await verifyEs256(der, MESSAGE, point)).toBe(true);
  });

  test("on byte flips, insertions, deletions and truncations of the DER, and on re-encoded INTEGERs", async () => {
    const mutated = fc.oneof(
      byteMutations(der.length).map((mutations) => applyMutations(der, mutations)),
      rebuilt,
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (signature) => {
        expect(await verifyEs256(signature, MESSAGE, point)).toBe(nobleVerdict(signature));
      }),
      { numRuns: 2000 },
    );
  });
});
