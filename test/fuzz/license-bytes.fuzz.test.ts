// Property tests of the licence loader on untrusted bytes (issue 8): random input and
// mutated valid files are refused with a documented one-line LicenseError, and only
// rewrites that keep the signed payload string and a valid signature load, unchanged.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodeBase64url } from "../../src/crypto/base64url.ts";
import type { License } from "../../src/license/validate.ts";
import { hardwareBoundPayload, mintLicense, standardPayload } from "../support/mint.ts";
import { anyJson, applyMutations, byteMutations, escapedJsonString, hostileString, jsonSpace } from "./arbitraries.ts";
import { licenseOf, licenseOutcome, org, other, refusalOf, SIGNATURE_FAILED, utf8 } from "./license-oracle.ts";

const originals = [
  await mintLicense(standardPayload(), org.secret),
  await mintLicense(hardwareBoundPayload("fp-0123456789abcdef"), org.secret),
  JSON.stringify(JSON.parse(await mintLicense(standardPayload({ features: { big: 1 } }), org.secret)), null, 2),
];
const loaded = await Promise.all(originals.map((text) => licenseOf(text)));

/** Any value in a field of the unsigned envelope. */
const envelopeValue = fc.oneof(
  hostileString,
  anyJson,
  fc.uint8Array({ maxLength: 96 }).map(encodeBase64url),
  fc.base64String({ maxLength: 96 }),
  fc.constantFrom(...originals.map((text) => (JSON.parse(text) as { payload: string }).payload)),
);
const randomEnvelope = fc
  .record(
    {
      alg: fc.oneof(fc.constant("ES256"), fc.jsonValue(), hostileString),
      payload: envelopeValue,
      sig: envelopeValue,
      extra: anyJson,
    },
    { requiredKeys: [] },
  )
  .map((envelope) => JSON.stringify(envelope));

describe("security (fuzz): licence loader on untrusted bytes", () => {
  test("random bytes, strings, JSON values and envelopes are refused with a documented one-line LicenseError", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.string({ unit: "binary", maxLength: 256 }),
          hostileString,
          anyJson.map((value) => JSON.stringify(value)),
          randomEnvelope,
        ),
        async (input) => {
          await refusalOf(input);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("an unsigned alg string never reaches the refusal raw (line breaks, terminal escapes)", async () => {
    expect(await refusalOf('{"alg":"ES256\\n\\u001b[2J","payload":"","sig":""}')).not.toMatch(/\p{Cc}/u);
  });

  test("byte flips, insertions, deletions and truncations never yield a different accepted licence", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(originals.length - 1).chain((which) => fc.tuple(fc.constant(which), byteMutations(originals[which]?.length ?? 0))),
        async ([which, mutations]) => {
          const outcome = await licenseOutcome(applyMutations(utf8.encode(originals[which] as string), mutations));
          // Only a change outside the signed strings (envelope whitespace, say) may still load, and then unchanged.
          if (typeof outcome !== "string") expect(outcome).toEqual(loaded[which] as License);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("rewriting the envelope around the same payload and signature loads exactly the same licence", async () => {
    const envelope = JSON.parse(originals[0] as string) as Record<string, string>;
    const sig = envelope.sig as string;
    const NAMES = ["alg", "payload", "sig"];
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
        fc.array(fc.tuple(jsonSpace, jsonSpace), { minLength: 4, maxLength: 4 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        fc.dictionary(hostileString, anyJson, { maxKeys: 3 }),
        fc.array(fc.tuple(fc.constantFrom(...NAMES), anyJson), { maxLength: 2 }),
        fc.boolean(),
        async (order, spaces, mask, extra, decoys, padSig) => {
          const values: Record<string, string> = { ...envelope, sig: padSig ? sig.padEnd(Math.ceil(sig.length / 4) * 4, "=") : sig };
          const names = order.map((i) => NAMES[i] as string);
          // Earlier duplicates of a member lose to the last one, in JSON.parse as in Python.
          const members = [...Object.entries(extra).filter(([name]) => !NAMES.includes(name)), ...decoys].map(
            ([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`,
          );
          members.push(...names.map((name) => `${JSON.stringify(name)}:${escapedJsonString(values[name] as string, mask)}`));
          const text = `${spaces[0]?.[0]}{${members.map((m, i) => `${spaces[i % 4]?.[1]}${m}`).join(",")}}${spaces[3]?.[0]}`;
          expect(await licenseOutcome(text)).toEqual(loaded[0] as License);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("anything signed by another key is refused as a signature failure", async () => {
    const payload = fc.oneof(
      fc.dictionary(hostileString, anyJson, { maxKeys: 4 }).map((extra) => standardPayload(extra)),
      fc.dictionary(hostileString, anyJson, { maxKeys: 4 }).map((extra) => hardwareBoundPayload("fp", extra)),
      anyJson,
    );
    await fc.assert(
      fc.asyncProperty(payload, async (value) => {
        expect(await refusalOf(await mintLicense(value as Record<string, unknown>, other.secret))).toBe(SIGNATURE_FAILED);
      }),
      { numRuns: 300 },
    );
  });
});
