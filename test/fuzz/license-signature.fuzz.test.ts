// Property tests of the licence signature path (issue 8): mutated DER signatures,
// mutated base64url, and mutated or re-signed payload strings never load a licence
// other than the original, and each is refused at the step spec 3.3 names.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeBase64url, encodeBase64url } from "../../src/crypto/base64url.ts";
import { concatBytes, readChildren, readOnly, Tag, writeTlv } from "../../src/crypto/der.ts";
import { signEs256 } from "../../src/crypto/es256.ts";
import { mintLicense, standardPayload } from "../support/mint.ts";
import { anyJson, hostileString } from "./arbitraries.ts";
import { licenseOf, licenseOutcome, org, PAYLOAD_MALFORMED, refusalOf, SIGNATURE_FAILED } from "./license-oracle.ts";

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const original = await mintLicense(standardPayload(), org.secret);
const envelope = JSON.parse(original) as { alg: string; payload: string; sig: string };
const loaded = await licenseOf(original);
const der = decodeBase64url(envelope.sig) as Uint8Array;
const [rTlv, sTlv] = readChildren(readOnly(der, Tag.sequence)?.value ?? new Uint8Array()) ?? [];
const r = BigInt(`0x${Buffer.from(rTlv?.value ?? []).toString("hex")}`);
const s = BigInt(`0x${Buffer.from(sTlv?.value ?? []).toString("hex")}`);

/** Minimal DER INTEGER content of a non-negative bigint. */
function integerBytes(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return new Uint8Array(Buffer.from(hex, "hex"));
}
const signature = (ri: Uint8Array, si: Uint8Array) => writeTlv(Tag.sequence, writeTlv(Tag.integer, ri), writeTlv(Tag.integer, si));
const withEnvelope = (changes: Partial<typeof envelope>) => JSON.stringify({ ...envelope, ...changes });

/** Flips one bit of r or s and re-encodes a well-formed DER signature. */
const flippedScalar = fc.record({ inS: fc.boolean(), bit: fc.nat(255) }).map(({ inS, bit }) => {
  const flip = (x: bigint) => x ^ (1n << BigInt(bit));
  return inS ? signature(integerBytes(r), integerBytes(flip(s))) : signature(integerBytes(flip(r)), integerBytes(s));
});

/** Structural damage: lengths, padding, signs, swapped or out-of-range scalars, stray bytes. */
const damagedDer = fc.oneof(
  fc.record({ at: fc.nat(der.length - 1), byte: fc.integer({ min: 0, max: 255 }) }).map(({ at, byte }) => {
    const copy = der.slice();
    copy[at] = byte;
    return copy;
  }),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((tail) => concatBytes(der, tail)),
  fc.nat(der.length - 1).map((n) => der.slice(0, n)),
  fc.nat(3).map((zeros) => signature(concatBytes(new Uint8Array(zeros + 1), integerBytes(r)), integerBytes(s))),
  fc.constantFrom(
    signature(integerBytes(s), integerBytes(r)),
    signature(integerBytes(r), integerBytes(P256_ORDER - s)),
    signature(integerBytes(r + P256_ORDER), integerBytes(s)),
    signature(integerBytes(0n), integerBytes(s)),
    signature(integerBytes(r), integerBytes(0n)),
    signature(integerBytes(r), integerBytes(P256_ORDER)),
    signature(rTlv?.value.subarray(rTlv.value[0] === 0 ? 1 : 0) ?? der, integerBytes(s)),
    concatBytes(new Uint8Array([0x30, 0x81, der.length - 2]), der.subarray(2)),
    writeTlv(Tag.sequence, writeTlv(Tag.integer, integerBytes(r))),
    writeTlv(Tag.octetString, der.subarray(2)),
  ),
  fc.uint8Array({ maxLength: 80 }),
);

describe("security (fuzz): licence signatures and payload strings", () => {
  test("a bit flipped in r or s is a signature failure", async () => {
    await fc.assert(
      fc.asyncProperty(flippedScalar, async (sig) => {
        expect(await refusalOf(withEnvelope({ sig: encodeBase64url(sig) }))).toBe(SIGNATURE_FAILED);
      }),
      { numRuns: 1000 },
    );
  });

  test("damaged DER (lengths, padding, signs, ranges, stray bytes) never loads a different licence", async () => {
    await fc.assert(
      fc.asyncProperty(damagedDer, async (sig) => {
        const outcome = await licenseOutcome(withEnvelope({ sig: encodeBase64url(sig) }));
        // The high-S twin of a valid signature is itself valid (spec 2); it must load the same licence.
        if (typeof outcome === "string") expect(outcome).toBe(SIGNATURE_FAILED);
        else expect(outcome).toEqual(loaded);
      }),
      { numRuns: 1500 },
    );
  });

  test("a changed sig string (characters, padding, base64 alphabet) never loads a different licence", async () => {
    const edit = fc.record({
      at: fc.nat(envelope.sig.length),
      cut: fc.nat(2),
      insert: fc.string({ unit: fc.constantFrom(..."Aa0-_+/=. ") }),
    });
    await fc.assert(
      fc.asyncProperty(edit, async ({ at, cut, insert }) => {
        const sig = envelope.sig.slice(0, at) + insert + envelope.sig.slice(at + cut);
        const outcome = await licenseOutcome(withEnvelope({ sig }));
        if (typeof outcome === "string") expect(outcome).toBe(SIGNATURE_FAILED);
        else expect(outcome).toEqual(loaded);
      }),
      { numRuns: 1500 },
    );
  });

  test("any change to the payload string under the genuine signature is a signature failure", async () => {
    const edit = fc.record({
      at: fc.nat(envelope.payload.length),
      cut: fc.nat(2),
      insert: fc.string({ unit: fc.constantFrom(..."Aa0-_+/= ") }),
    });
    await fc.assert(
      fc.asyncProperty(edit, async ({ at, cut, insert }) => {
        const payload = envelope.payload.slice(0, at) + insert + envelope.payload.slice(at + cut);
        fc.pre(payload !== envelope.payload);
        expect(await refusalOf(withEnvelope({ payload }))).toBe(SIGNATURE_FAILED);
      }),
      { numRuns: 1500 },
    );
  });

  test("an org-signed payload string that is not base64url of a JSON object is a malformed payload", async () => {
    const notAnObject = anyJson.filter((v) => v === null || typeof v !== "object" || Array.isArray(v));
    const payloadString = fc.oneof(
      hostileString.filter((text) => decodeBase64url(text) === null),
      fc.uint8Array({ maxLength: 64 }).map(encodeBase64url),
      notAnObject.map((value) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)))),
    );
    await fc.assert(
      fc.asyncProperty(payloadString, async (payload) => {
        const outcome = await refusalOf(withEnvelope({ payload, sig: encodeBase64url(await signEs256(payload, org.secret)) }));
        // Random bytes may by chance spell a JSON object; then a field refusal follows instead.
        if (outcome !== PAYLOAD_MALFORMED) expect(outcome).toMatch(/^(license missing|license version|invalid [a-z_]+:)/);
      }),
      { numRuns: 300 },
    );
  });
});
