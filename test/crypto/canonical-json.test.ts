// The binary's canonical JSON producer (spec 2) against the shared vectors and
// against the test suite's full producer on random values it can take.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { canonicalJson } from "../../src/crypto/canonical-json.ts";
import { canonicalJson as reference } from "../support/canonical-json.ts";
import { VECTORS } from "../support/paths.ts";

const vectors = (await Bun.file(`${VECTORS}/canonical.json`).json()) as { input: string; canonical: string; note: string }[];
/** Floats and integers beyond 2^53 have no exact JSON.parse value: those vectors are the full producer's alone. */
const exact = (input: string) => !/\d[.eE]|\d{16,}/.test(input.replace(/"(?:[^"\\]|\\.)*"/g, '""'));

describe("canonical JSON for signed requests", () => {
  for (const vector of vectors.filter((v) => exact(v.input))) {
    test(vector.note, () => expect(canonicalJson(JSON.parse(vector.input))).toBe(vector.canonical));
  }

  test("agrees with the full producer on strings, safe integers, booleans, null, arrays and objects", () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string({ unit: "binary" }), fc.maxSafeInteger(), fc.boolean(), fc.constant(null)),
      node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node")), fc.dictionary(fc.string({ unit: "binary" }), tie("node"))),
    })).node;
    fc.assert(fc.property(value, (v) => canonicalJson(v) === reference(v)));
  });

  test("a float is refused rather than written differently from Python", () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow("not a safe integer");
  });
});
