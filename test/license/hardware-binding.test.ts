// `hardware_binding` in a signed licence (spec 3.2, 13.3): accepted shapes, every
// refusal with its exact message, and the socket id from its canonical JSON.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { encodeBase64url } from "../../src/crypto/base64url.ts";
import { signEs256 } from "../../src/crypto/es256.ts";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { LicenseError } from "../../src/errors.ts";
import { verifyLicenseBytes } from "../../src/license/load.ts";
import { canonicalJson } from "../support/canonical-json.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBindingPayload, hardwareBoundOf, hardwareBoundPayload, isoDay, mintLicense, standardPayload } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

const orgPoint = parsePublicKeyPem(readFileSync(join(VECTORS, "org_public.pem"), "utf8"));
const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const H = (c: string) => c.repeat(64);
const BINDING = {
  v: 2,
  components: { machine_id: H("a"), disk_serial: H("b"), mac: H("c") },
  min_match: 2,
  environments: ["physical", "vm"],
};

async function verifyText(payloadJson: string) {
  // Minted from raw JSON text where a test needs `2.0` or key order the canonical writer would not produce.
  const payload = encodeBase64url(new TextEncoder().encode(payloadJson));
  const sig = encodeBase64url(await signEs256(payload, org.secret));
  return hardwareBoundOf(
    await verifyLicenseBytes(new TextEncoder().encode(JSON.stringify({ alg: "ES256", payload, sig })), orgPoint, isoDay()),
  );
}

const verify = async (payload: Record<string, unknown>) =>
  hardwareBoundOf(await verifyLicenseBytes(new TextEncoder().encode(await mintLicense(payload, org.secret)), orgPoint, isoDay()));

async function refusal(payload: Record<string, unknown>): Promise<string> {
  try {
    await verify(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(LicenseError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("a v2 binding is accepted", () => {
  test("components, min_match and environments are read; no fingerprint", async () => {
    const license = await verify(hardwareBindingPayload(BINDING));
    expect(license.hardwareFingerprint).toBeUndefined();
    expect(license.hardwareBinding).toMatchObject({ components: BINDING.components, minMatch: 2, environments: ["physical", "vm"] });
  });

  test("the socket id is the first 16 hex of SHA-256 of the binding's canonical JSON", async () => {
    const license = await verify(hardwareBindingPayload(BINDING));
    expect(license.hardwareBinding?.socketId).toBe(sha256Hex(canonicalJson(BINDING)).slice(0, 16));
  });

  test("the same binding written in another key order and spacing names the same socket", async () => {
    const base = hardwareBindingPayload(BINDING);
    const { hardware_binding: _b, ...rest } = base;
    const text = `${JSON.stringify(rest).slice(0, -1)},"hardware_binding": {"min_match": 2, "environments": ["physical","vm"], "v": 2, "components": {"mac":"${H("c")}","disk_serial":"${H("b")}","machine_id":"${H("a")}"}}}`;
    expect((await verifyText(text)).hardwareBinding?.socketId).toBe((await verify(base)).hardwareBinding?.socketId as string);
  });

  test("environments may be left out: every environment is allowed", async () => {
    const { environments: _e, ...open } = BINDING;
    expect((await verify(hardwareBindingPayload(open))).hardwareBinding?.environments).toBeUndefined();
  });
});

describe("exactly one of hardware_fingerprint and hardware_binding", () => {
  test("both", async () => {
    expect(await refusal(hardwareBindingPayload(BINDING, { hardware_fingerprint: H("d") }))).toBe(
      "HARDWARE_BOUND license has both hardware_fingerprint and hardware_binding",
    );
  });
  test("neither", async () => {
    const { hardware_binding: _b, ...neither } = hardwareBindingPayload(BINDING);
    expect(await refusal(neither)).toBe("HARDWARE_BOUND license missing hardware_fingerprint");
  });
  test("a v1 licence is unchanged", async () => {
    expect((await verify(hardwareBoundPayload(H("e")))).hardwareFingerprint).toBe(H("e"));
  });
  test("a STANDARD licence must not carry a binding", async () => {
    expect(await refusal(standardPayload({ hardware_binding: BINDING }))).toBe("STANDARD license must not have hardware_binding");
  });
});

describe("invalid hardware_binding: <what> (65)", () => {
  const cases: [string, unknown, string][] = [
    ["not an object", "machine_id", "expected an object, found a string"],
    ["v 1", { ...BINDING, v: 1 }, "v must be 2"],
    ["v missing", { ...BINDING, v: undefined }, "v must be 2"],
    ["components empty", { ...BINDING, components: {} }, "components must be a non-empty object"],
    ["components a list", { ...BINDING, components: [H("a")] }, "components must be a non-empty object"],
    ["unknown component", { ...BINDING, components: { ...BINDING.components, gpu: H("d") } }, "unknown component gpu"],
    ["uppercase hash", { ...BINDING, components: { mac: H("C") }, min_match: 1 }, "components.mac must be 64 lowercase hex digits"],
    ["short hash", { ...BINDING, components: { mac: "abc" }, min_match: 1 }, "components.mac must be 64 lowercase hex digits"],
    ["min_match 0", { ...BINDING, min_match: 0 }, "min_match must be an integer from 1 to 3"],
    ["min_match above the count", { ...BINDING, min_match: 4 }, "min_match must be an integer from 1 to 3"],
    ["min_match a string", { ...BINDING, min_match: "2" }, "min_match must be an integer from 1 to 3"],
    ["environments empty", { ...BINDING, environments: [] }, "environments must be a non-empty list"],
    ["environments null", { ...BINDING, environments: null }, "environments must be a non-empty list"],
    ["unknown environment", { ...BINDING, environments: ["cloud"] }, "unknown environment cloud (expected physical, vm, container)"],
    ["unknown member", { ...BINDING, salt: "x" }, "unknown member salt"],
  ];
  test.each(cases)("%s", async (_, binding, what) => {
    expect(await refusal(hardwareBindingPayload(binding as Record<string, unknown>))).toBe(`invalid hardware_binding: ${what}`);
  });

  test("min_match written as 2.0 is not an integer", async () => {
    const base = hardwareBindingPayload(BINDING);
    const text = JSON.stringify(base).replace('"min_match":2', '"min_match":2.0');
    expect(text).toContain('"min_match":2.0');
    await expect(verifyText(text)).rejects.toThrow("invalid hardware_binding: min_match must be an integer from 1 to 3");
  });
});

describe("security: any hardware_binding", () => {
  test("is a valid binding or a one-line `invalid hardware_binding` refusal, never anything else", async () => {
    const member = fc.oneof(fc.constant(undefined), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          v: fc.oneof(fc.constant(2), member),
          components: fc.oneof(
            fc.dictionary(fc.constantFrom("machine_id", "mac", "disk_serial", "gpu"), fc.oneof(fc.constant(H("a")), member)),
            member,
          ),
          min_match: fc.oneof(fc.integer({ min: -1, max: 5 }), member),
          environments: fc.oneof(fc.array(fc.constantFrom("physical", "vm", "container", "cloud")), member),
        }),
        async (binding) => {
          try {
            const license = await verify(hardwareBindingPayload(binding));
            const parsed = license.hardwareBinding;
            expect(parsed?.minMatch).toBeGreaterThanOrEqual(1);
            expect(parsed?.minMatch).toBeLessThanOrEqual(Object.keys(parsed?.components ?? {}).length);
            expect(parsed?.socketId).toMatch(/^[0-9a-f]{16}$/);
          } catch (error) {
            expect(error).toBeInstanceOf(LicenseError);
            expect((error as Error).message).toMatch(/^invalid hardware_binding: [^\n]+$/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
