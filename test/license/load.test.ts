import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { LicenseError } from "../../src/errors.ts";
import { loadLicense, verifyLicenseBytes } from "../../src/license/load.ts";
import { PyFloat, RawNumber } from "../support/canonical-json.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBoundPayload, isoDay, mintLicense, standardOf, standardPayload } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

const orgPoint = parsePublicKeyPem(readFileSync(join(VECTORS, "org_public.pem"), "utf8"));
const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const manifest = JSON.parse(readFileSync(join(VECTORS, "manifest.json"), "utf8")) as Array<{
  file: string;
  expect: "valid" | "invalid";
  type: string | null;
  message: string | null;
  license_key: string | null;
}>;
const dir = mkdtempSync(join(tmpdir(), "sentinel-license-"));
const today = isoDay();

async function verify(payload: Record<string, unknown>) {
  return verifyLicenseBytes(new TextEncoder().encode(await mintLicense(payload, org.secret)), orgPoint, today);
}

async function refusal(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(LicenseError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("shared vectors", () => {
  for (const entry of manifest) {
    test(`${entry.file} is ${entry.expect}`, async () => {
      const path = join(VECTORS, entry.file);
      if (entry.expect === "valid") {
        const license = await loadLicense(path, orgPoint);
        expect(license.licenseKey).toBe(entry.license_key as string);
        expect(license.licenseType).toBe(entry.type as "STANDARD");
      } else {
        const message = await refusal(() => loadLicense(path, orgPoint));
        if (entry.message) expect(message).toBe(entry.message);
      }
    });
  }
});

describe("dates relative to today (UTC)", () => {
  test.each([
    ["expiring today is valid", { expiry_date: isoDay(0) }, null],
    ["issued today is valid", { issue_date: isoDay(0) }, null],
    ["expired yesterday", { expiry_date: isoDay(-1) }, `license has expired (expiry: ${isoDay(-1)})`],
    ["dormant until tomorrow", { issue_date: isoDay(1) }, `license is not yet active (activates: ${isoDay(1)})`],
  ])("%s", async (_, overrides, message) => {
    if (message === null) expect((await verify(standardPayload(overrides))).licenseKey).toBe("LK-TEST-STANDARD");
    else expect(await refusal(() => verify(standardPayload(overrides)))).toBe(message);
  });
  test("dates are judged against the day given, not the wall clock", async () => {
    const bytes = new TextEncoder().encode(await mintLicense(standardPayload({ expiry_date: "2030-01-01" }), org.secret));
    expect(await refusal(() => verifyLicenseBytes(bytes, orgPoint, "2030-01-02"))).toBe("license has expired (expiry: 2030-01-01)");
  });
});

describe("fields of the wrong JSON type are refused by name", () => {
  test.each([
    ["v", "1", "invalid v: expected an integer, found a string"],
    ["v", new PyFloat(1), "invalid v: expected an integer, found 1.0"],
    ["v", null, "invalid v: expected an integer, found null"],
    ["license_key", 42, "invalid license_key: expected a string, found a number"],
    ["license_key", null, "invalid license_key: expected a string, found null"],
    ["org_id", ["org"], "invalid org_id: expected a string, found an array"],
    ["software_id", "", "invalid software_id: must not be empty"],
    ["license_type", true, "invalid license_type: expected a string, found a boolean"],
    ["issue_date", 20250101, "invalid issue_date: expected a string, found a number"],
    ["expiry_date", null, "invalid expiry_date: expected a string, found null"],
    ["max_machines", "3", "invalid max_machines: expected an integer, found a string"],
    ["max_machines", new PyFloat(2.5), "invalid max_machines: expected an integer, found 2.5"],
    ["max_machines", new RawNumber("12345678901234567890"), "invalid max_machines: expected an integer, found 12345678901234567890"],
    ["max_machines", -1, "invalid max_machines: must be at least 1"],
    ["features", [], "invalid features: expected an object, found an array"],
    ["features", "pro", "invalid features: expected an object, found a string"],
    ["heartbeat_interval_minutes", "60", "invalid heartbeat_interval_minutes: expected an integer, found a string"],
    ["heartbeat_interval_minutes", 0, "invalid heartbeat_interval_minutes: must be at least 1"],
    ["heartbeat_grace_period_days", new PyFloat(7), "invalid heartbeat_grace_period_days: expected an integer, found 7.0"],
    ["server_url", 5, "invalid server_url: expected a string, found a number"],
    ["issued_at", 5, "invalid issued_at: expected a string, found a number"],
    ["software_checksum", "ABC", "invalid software_checksum: expected 64 lowercase hex digits"],
  ])("%s = %p", async (field, value, message) => {
    expect(await refusal(() => verify(standardPayload({ [field]: value })))).toBe(message);
  });
  test.each(["v", "license_key", "org_id", "software_id", "license_type", "issue_date", "expiry_date", "max_machines", "features"])(
    "missing %s",
    async (field) => {
      const { [field]: _, ...payload } = standardPayload();
      expect(await refusal(() => verify(payload))).toBe(`license missing ${field}`);
    },
  );
  test("a HARDWARE_BOUND licence with an empty fingerprint is refused", async () => {
    expect(await refusal(() => verify(hardwareBoundPayload("")))).toBe("invalid hardware_fingerprint: must not be empty");
  });
  test("null optional fields count as absent; unknown fields are ignored", async () => {
    const license = standardOf(await verify(standardPayload({ hardware_fingerprint: null, server_url: null, something_new: { a: 1 } })));
    expect(license.serverUrl).toBeUndefined();
  });
  test('spec 12.6: `"server_url": ""` counts as absent, not as invalid', async () => {
    expect(standardOf(await verify(standardPayload({ server_url: "" }))).serverUrl).toBeUndefined();
  });
});

describe("features keep the signed JSON text exactly", () => {
  test("big integers, 1.0 and nesting survive", async () => {
    const features = { big: new RawNumber("12345678901234567890"), one: new PyFloat(1), nested: { é: [1, 2.5, null] } };
    expect((await verify(standardPayload({ features }))).featuresJson).toBe(
      '{"big":12345678901234567890,"nested":{"\\u00e9":[1,2.5,null]},"one":1.0}',
    );
  });
});

const minted = JSON.parse(await mintLicense(standardPayload(), org.secret));
const signedResponse = await mintLicense({ status: "ACTIVE" }, org.secret);

describe("security: bad files", () => {
  const cases: Array<[string, Uint8Array | string, string]> = [
    ["an empty file", "", "invalid license file: malformed JSON"],
    ["binary garbage", crypto.getRandomValues(new Uint8Array(4096)), "invalid license file: malformed JSON"],
    ["a JSON array", "[1,2]", "invalid license file: malformed JSON"],
    ["an envelope with numbers for strings", '{"alg":"ES256","payload":1,"sig":2}', "invalid license file: malformed JSON"],
    ["no alg", JSON.stringify({ ...minted, alg: undefined }), "unsupported license algorithm: null (expected ES256)"],
    ["alg none", JSON.stringify({ ...minted, alg: "none" }), "unsupported license algorithm: none (expected ES256)"],
    ["a signed server response", `{"alg":"ES256",${signedResponse.slice(1)}`, "license missing v"],
    ["a 2 MiB file", `{"alg":"ES256","payload":"${"A".repeat(2 * 1024 * 1024)}","sig":""}`, "over 1 MiB"],
  ];
  test.each(cases)("%s", async (name, content) => {
    const path = join(dir, `${name.replaceAll(" ", "-")}.lic`);
    writeFileSync(path, content);
    const message = await refusal(() => loadLicense(path, orgPoint));
    expect(message).toContain(cases.find(([n]) => n === name)?.[2] as string);
  });
  test("a missing file and a directory are named", async () => {
    expect(await refusal(() => loadLicense(join(dir, "nope.lic"), orgPoint))).toBe(`license file not found: ${join(dir, "nope.lic")}`);
    expect(await refusal(() => loadLicense(dir, orgPoint))).toBe(`cannot read license file: ${dir}: is a directory`);
  });
  test("mutating any single byte of a valid licence never yields a different accepted licence", async () => {
    const original = new TextEncoder().encode(await mintLicense(standardPayload(), org.secret));
    for (let i = 0; i < original.length; i++) {
      const mutated = original.slice();
      mutated[i] = (mutated[i] as number) ^ 0x01;
      try {
        const license = await verifyLicenseBytes(mutated, orgPoint, today);
        // Only changes outside the signed payload (e.g. JSON whitespace, alg case) could ever pass.
        expect(license.licenseKey).toBe("LK-TEST-STANDARD");
        expect(license.featuresJson).toBe('{"seats":5,"tier":"pro"}');
      } catch (error) {
        expect(error).toBeInstanceOf(LicenseError);
      }
    }
  });
});
