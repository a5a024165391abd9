import { expect, test } from "bun:test";
import { canonicalJson, parseJsonLossless } from "./canonical-json.ts";

const cases = await Bun.file(`${import.meta.dir}/../../../shared/vectors/canonical.json`).json();
for (const c of cases) test(c.note, () => expect(canonicalJson(parseJsonLossless(c.input))).toBe(c.canonical));
