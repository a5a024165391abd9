// Property tests of the licence loader (issue 8): it never throws anything but a
// one-line LicenseError, and never accepts a licence the org key did not sign.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { decodeBase64url, encodeBase64url } from "../../src/crypto/base64url.ts";
import { LicenseError } from "../../src/errors.ts";
import { verifyLicenseBytes } from "../../src/license/load.ts";
import type { License } from "../../src/license/validate.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { isoDay, mintLicense, standardPayload } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

const org = keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const other = keyPairFromPem(readFileSync(join(VECTORS, "other_private.pem"), "utf8"));
const today = isoDay();
const utf8 = new TextEncoder();
const RUNS = { numRuns: 1000 };

/** The documented refusals of spec 3.3 and 3.2. */
const DOCUMENTED = [
  /^invalid license file: malformed JSON$/,
  /^unsupported license algorithm: .* \(expected ES256\)$/,
  /^license signature verification failed$/,
  /^invalid license payload: malformed JSON$/,
  /^license version -?\d+ is not supported \(expected 1\)$/,
  /^license missing [a-z_]+$/,
  /^invalid [a-z_]+: /,
  /^unknown license type: /,
  /^license is not yet active \(activates: \d{4}-\d{2}-\d{2}\)$/,
  /^license has expired \(expiry: \d{4}-\d{2}-\d{2}\)$/,
  /^STANDARD license (missing|must not have) [a-z_]+$/,
  /^HARDWARE_BOUND license (missing|must not have) [a-z_]+$/,
];

/** Verifies; returns the licence, or the refusal message after checking it is documented. */
function outcome(bytes: Uint8Array): License | string {
  try {
    return verifyLicenseBytes(bytes, org.point, today);
  } catch (error) {
    if (!(error instanceof LicenseError)) throw error;
    expect(error.message).not.toContain("\n");
    if (!DOCUMENTED.some((pattern) => pattern.test(error.message))) throw new Error(`undocumented refusal: ${error.message}`);
    return error.message;
  }
}

const original = mintLicense(standardPayload(), org.secret);
const accepted = outcome(utf8.encode(original)) as License;

describe("fuzz: licence loader", () => {
  test("random bytes and random JSON never crash it and are never accepted", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.jsonValue().map((v) => utf8.encode(JSON.stringify(v))),
        ),
        (bytes) => {
          expect(typeof outcome(bytes)).toBe("string");
        },
      ),
      RUNS,
    );
  });

  test("byte flips, insertions, deletions and truncations never yield a different accepted licence", () => {
    const bytes = utf8.encode(original);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("flip"), at: fc.nat(bytes.length - 1), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant("insert"), at: fc.nat(bytes.length), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("delete"), at: fc.nat(bytes.length - 1) }),
      fc.record({ kind: fc.constant("truncate"), at: fc.nat(bytes.length - 1) }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let mutated = Array.from(bytes);
        for (const m of mutations) {
          const at = Math.min(m.at, mutated.length);
          if (m.kind === "flip") mutated[at] = ((mutated[at] ?? 0) ^ (1 << (m as { bit: number }).bit)) & 0xff;
          if (m.kind === "insert") mutated.splice(at, 0, (m as { byte: number }).byte);
          if (m.kind === "delete") mutated.splice(at, 1);
          if (m.kind === "truncate") mutated = mutated.slice(0, at);
        }
        const result = outcome(new Uint8Array(mutated));
        // Only a change outside the signed payload (envelope whitespace, say) may still pass, unchanged.
        if (typeof result !== "string") expect(result).toEqual(accepted);
      }),
      RUNS,
    );
  });

  test("mutated signatures (DER bits, lengths, trailing bytes) and payload strings are never accepted", () => {
    const envelope = JSON.parse(original) as { alg: string; payload: string; sig: string };
    const der = decodeBase64url(envelope.sig) as Uint8Array;
    const derMutation = fc.oneof(
      fc.record({ at: fc.nat(der.length - 1), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }) => {
        const copy = der.slice();
        copy[at] = (copy[at] as number) ^ xor;
        return copy;
      }),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((tail) => new Uint8Array([...der, ...tail])),
      fc.nat(der.length - 1).map((n) => der.slice(0, n)),
    );
    fc.assert(
      fc.property(derMutation, (sig) => {
        const text = JSON.stringify({ ...envelope, sig: encodeBase64url(sig) });
        expect(outcome(utf8.encode(text))).toBe("license signature verification failed");
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.nat(envelope.payload.length - 1), fc.constantFrom(..."ABCabc012-_=+/"), (at, char) => {
        fc.pre(envelope.payload[at] !== char);
        const payload = envelope.payload.slice(0, at) + char + envelope.payload.slice(at + 1);
        expect(typeof outcome(utf8.encode(JSON.stringify({ ...envelope, payload })))).toBe("string");
      }),
      RUNS,
    );
  });

  test("type confusion in every field, signed by the org key: accepted only when valid, else a documented refusal", () => {
    const fields = Object.keys(standardPayload()).concat(["server_url", "hardware_fingerprint", "software_checksum", "issued_at"]);
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
        const result = outcome(utf8.encode(mintLicense(standardPayload({ [field]: value }), org.secret)));
        if (typeof result !== "string") expect(result.licenseType).toBe("STANDARD");
      }),
      { numRuns: 400 },
    );
  });

  test("anything signed by another key is refused as a signature failure", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (extra) => {
        const forged = mintLicense(standardPayload(extra), other.secret);
        expect(outcome(utf8.encode(forged))).toBe("license signature verification failed");
      }),
      { numRuns: 100 },
    );
  });
});
