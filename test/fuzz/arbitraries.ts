// Generators shared by the fuzz targets: hostile strings and JSON, JSON whitespace,
// and byte-level mutations of a valid input. Test-side only; no module under test here.
import fc from "fast-check";

/** One character, biased toward the ones that break parsers, terminals and logs. */
const hostileUnit = fc.oneof(
  fc.constantFrom("\n", "\r", "\t", "\0", "\u001b", "\u007f", "\u0085", "\u2028", "\u202e", "\ufeff", '"', "\\", "{", "=", "é", "😀"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
);

export const hostileString = fc.string({ unit: hostileUnit, maxLength: 24 });

/** Any JSON value, its strings drawn from the hostile characters above. */
export const anyJson = fc.jsonValue({ stringUnit: hostileUnit, maxDepth: 3 });

/** Insignificant JSON whitespace, sometimes none. */
export const jsonSpace = fc.string({ unit: fc.constantFrom(" ", "\t", "\r", "\n"), maxLength: 3 });

export type ByteMutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "insert"; at: number; byte: number }
  | { kind: "delete"; at: number }
  | { kind: "truncate"; at: number };

/** Bytes that mean something to JSON or base64url, plus any byte at all. */
const interestingByte = fc.oneof(
  fc.constantFrom(...' \t\r\n{}[]",:=\\0Aa-_+/'.split("").map((c) => c.charCodeAt(0))),
  fc.integer({ min: 0, max: 255 }),
);

/** One to four flips, insertions, deletions or truncations of an input of `length` bytes. */
export function byteMutations(length: number): fc.Arbitrary<ByteMutation[]> {
  const at = fc.nat(length);
  const mutation: fc.Arbitrary<ByteMutation> = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant("insert" as const), at, byte: interestingByte }),
    fc.record({ kind: fc.constant("delete" as const), at }),
    fc.record({ kind: fc.constant("truncate" as const), at }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 });
}

export function applyMutations(bytes: Uint8Array, mutations: ByteMutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + (m.kind === "insert" ? 1 : 0));
    if (m.kind === "flip" && at < out.length) out[at] = (out[at] as number) ^ (1 << m.bit);
    else if (m.kind === "insert") out.splice(at, 0, m.byte);
    else if (m.kind === "delete") out.splice(at, 1);
    else if (m.kind === "truncate") out = out.slice(0, at);
  }
  return new Uint8Array(out);
}

/** Writes `text` as a JSON string literal, escaping a random subset of its characters as `\uXXXX`. */
export function escapedJsonString(text: string, escapeMask: boolean[]): string {
  const body = [...text].map((c, i) => {
    if (!escapeMask[i % Math.max(escapeMask.length, 1)]) return JSON.stringify(c).slice(1, -1);
    return Array.from({ length: c.length }, (_, j) => `\\u${c.charCodeAt(j).toString(16).padStart(4, "0")}`).join("");
  });
  return `"${body.join("")}"`;
}
