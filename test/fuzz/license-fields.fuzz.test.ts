// Property tests of licence field validation (issue 8, spec 3.2): every field of an
// org-signed payload, given a value of any JSON type, loads only when that value is
// valid for the field, and is otherwise refused by a documented message naming it.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { HardwareBoundLicense, StandardLicense } from "../../src/license/validate.ts";
import { canonicalJson, PyFloat, RawNumber } from "../support/canonical-json.ts";
import { hardwareBoundPayload, isoDay, mintLicense, standardPayload } from "../support/mint.ts";
import { anyJson, hostileString } from "./arbitraries.ts";
import { licenseOutcome, org, TODAY } from "./license-oracle.ts";

type Kind = "int" | "string" | "date" | "object" | "checksum";
type Rule = { kind: Kind; property?: keyof StandardLicense | keyof HardwareBoundLicense; valid: (value: unknown, type: string) => boolean };

const absent = (value: unknown) => value === undefined || value === null;
const text = (value: unknown) => (value === undefined ? undefined : canonicalJson(value));
/** An integer as spec 3.2 reads it: the JSON token itself is an integer, and it is exact. */
const integerOf = (value: unknown) => {
  const token = text(value);
  return token !== undefined && /^-?(0|[1-9][0-9]*)$/.test(token) && Number.isSafeInteger(Number(token)) ? Number(token) : null;
};
const atLeastOne = (value: unknown) => (integerOf(value) ?? 0) >= 1;
const nonEmpty = (value: unknown) => typeof value === "string" && value !== "";
/** A real `YYYY-MM-DD` date. */
const dateOf = (value: unknown) => {
  const date = typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  const real =
    date && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value as string) && !(value as string).startsWith("0000");
  return real ? (value as string) : null;
};

const RULES: Record<string, Rule> = {
  v: { kind: "int", valid: (v) => integerOf(v) === 1 },
  license_key: { kind: "string", property: "licenseKey", valid: nonEmpty },
  org_id: { kind: "string", property: "orgId", valid: nonEmpty },
  software_id: { kind: "string", property: "softwareId", valid: nonEmpty },
  license_type: { kind: "string", property: "licenseType", valid: (v, type) => v === type },
  issue_date: { kind: "date", property: "issueDate", valid: (v) => (dateOf(v) ?? "9999-99") <= TODAY },
  expiry_date: { kind: "date", property: "expiryDate", valid: (v) => (dateOf(v) ?? "") >= TODAY },
  max_machines: { kind: "int", property: "maxMachines", valid: atLeastOne },
  features: { kind: "object", property: "featuresJson", valid: (v) => typeof v === "object" && v !== null && !Array.isArray(v) },
  issued_at: { kind: "string", property: "issuedAt", valid: (v) => absent(v) || typeof v === "string" },
  // STANDARD only; a HARDWARE_BOUND licence ignores it.
  // An empty one counts as absent (spec 12.6).
  server_url: { kind: "string", property: "serverUrl", valid: (v, type) => type !== "STANDARD" || absent(v) || typeof v === "string" },
  heartbeat_interval_minutes: {
    kind: "int",
    property: "heartbeatIntervalMinutes",
    valid: (v, t) => (t === "STANDARD" ? atLeastOne(v) : absent(v)),
  },
  heartbeat_grace_period_days: {
    kind: "int",
    property: "heartbeatGracePeriodDays",
    valid: (v, t) => (t === "STANDARD" ? atLeastOne(v) : absent(v)),
  },
  hardware_fingerprint: {
    kind: "string",
    property: "hardwareFingerprint",
    valid: (v, type) => (type === "STANDARD" ? absent(v) || v === "" : nonEmpty(v)),
  },
  software_checksum: {
    kind: "checksum",
    property: "softwareChecksum",
    valid: (v) => absent(v) || (typeof v === "string" && /^[0-9a-f]{64}$/.test(v)),
  },
};

const hex64 = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
const NEAR_MISSES: Record<Kind, fc.Arbitrary<unknown>> = {
  int: fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(1, 60, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e21, "1", true, [1], { v: 1 }),
    fc.constantFrom(new PyFloat(1), new PyFloat(2.5), new PyFloat(-0)),
    fc.constantFrom("1e0", "1E2", "-0", "0.0", "9007199254740993", `1${"0".repeat(30)}`).map((token) => new RawNumber(token)),
  ),
  string: fc.oneof(fc.constantFrom("", " ", "STANDARD", "HARDWARE_BOUND", "standard", "STANDARD ", "\0"), hostileString),
  date: fc.oneof(
    fc.integer({ min: -800, max: 800 }).map((offset) => isoDay(offset)),
    fc
      .record({ y: fc.integer({ min: 0, max: 9999 }), m: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }) })
      .map(({ y, m, d }) => `${y}-${`${m}`.padStart(2, "0")}-${`${d}`.padStart(2, "0")}`.padStart(10, "0")),
    fc.constantFrom(
      "2024-02-29",
      "2023-02-29",
      "2024-1-01",
      `${TODAY}T00:00:00Z`,
      ` ${TODAY}`,
      "２０２４-01-01",
      "+2024-01-01",
      TODAY.replaceAll("-", "/"),
    ),
  ),
  object: fc.oneof(
    fc.dictionary(hostileString, anyJson, { maxKeys: 3 }),
    fc.constantFrom({}, [], { big: new RawNumber("12345678901234567890") }),
  ),
  checksum: fc.oneof(
    hex64,
    hex64.map((h) => h.toUpperCase()),
    hex64.map((h) => h.slice(1)),
    hex64.map((h) => `${h}0`),
    hex64.map((h) => `${h.slice(1)}g`),
  ),
};

/** What the loaded licence must hold for a field that was accepted. */
function expectedProperty(field: string, value: unknown, type: string): unknown {
  // Absent, null, ignored (server_url of a HARDWARE_BOUND licence) or empty (a STANDARD fingerprint): not set.
  if (
    absent(value) ||
    (field === "server_url" && (type !== "STANDARD" || value === "")) ||
    (field === "hardware_fingerprint" && type === "STANDARD")
  )
    return undefined;
  if (field === "features") return text(value);
  if (RULES[field]?.kind === "int") return integerOf(value);
  return value;
}

function documentedFor(field: string): RegExp[] {
  const named = [
    new RegExp(`^invalid ${field}: `),
    new RegExp(`^license missing ${field}$`),
    new RegExp(`^(STANDARD|HARDWARE_BOUND) license (missing|must not have) ${field}$`),
  ];
  if (field === "v") named.push(/^license version -?\d+ is not supported \(expected 1\)$/);
  if (field === "license_type")
    named.push(/^unknown license type: /, /^(STANDARD|HARDWARE_BOUND) license (missing|must not have) [a-z_]+$/);
  if (field === "issue_date") named.push(/^license is not yet active \(activates: /);
  if (field === "expiry_date") named.push(/^license has expired \(expiry: /);
  return named;
}

const bases = { STANDARD: standardPayload(), HARDWARE_BOUND: hardwareBoundPayload("fp-0123456789abcdef") };

describe("security (fuzz): licence fields of any JSON type", () => {
  test("each field loads only with a value valid for it, else a documented refusal naming it", async () => {
    const field = fc.constantFrom(...Object.keys(RULES));
    const value = field.chain((name) =>
      fc.tuple(fc.constant(name), fc.oneof(anyJson, NEAR_MISSES[RULES[name]?.kind ?? "string"], fc.constantFrom(undefined, null))),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("STANDARD", "HARDWARE_BOUND" as const), value, async (type, [name, replacement]) => {
        const payload = { ...bases[type], [name]: replacement };
        const rule = RULES[name] as Rule;
        const outcome = await licenseOutcome(await mintLicense(payload, org.secret));
        if (typeof outcome === "string") {
          expect(rule.valid(replacement, type)).toBe(false);
          expect(documentedFor(name).some((pattern) => pattern.test(outcome))).toBe(true);
        } else {
          expect(rule.valid(replacement, type)).toBe(true);
          if (rule.property)
            expect(Object.entries(outcome).find(([key]) => key === rule.property)?.[1]).toEqual(expectedProperty(name, replacement, type));
        }
      }),
      { numRuns: 2500 },
    );
  });

  test("unknown members, whatever their names and values, are ignored", async () => {
    const extra = fc.dictionary(
      hostileString.filter((name) => !(name in RULES)),
      anyJson,
      { maxKeys: 4 },
    );
    const expected = {
      STANDARD: await licenseOutcome(await mintLicense(bases.STANDARD, org.secret)),
      HARDWARE_BOUND: await licenseOutcome(await mintLicense(bases.HARDWARE_BOUND, org.secret)),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("STANDARD", "HARDWARE_BOUND" as const), extra, async (type, members) => {
        expect(await licenseOutcome(await mintLicense({ ...members, ...bases[type] }, org.secret))).toEqual(expected[type]);
      }),
      { numRuns: 500 },
    );
  });

  test("a real date with a year below 100 is a calendar date", async () => {
    expect(await licenseOutcome(await mintLicense(standardPayload({ issue_date: "0099-12-31" }), org.secret))).not.toBeTypeOf("string");
  });

  test("an org-signed license_type with a line break stays on one line in the refusal", async () => {
    await licenseOutcome(await mintLicense(standardPayload({ license_type: "X\nY" }), org.secret));
  });
});
