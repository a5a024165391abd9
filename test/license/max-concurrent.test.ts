// `max_concurrent` (spec 3.2, 16): optional, STANDARD only, an integer ≥ 1, typed on the licence.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { verifyLicenseBytes } from "../../src/license/load.ts";
import { PyFloat } from "../support/canonical-json.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBoundPayload, isoDay, mintLicense, standardOf, standardPayload } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

const orgPoint = parsePublicKeyPem(readFileSync(join(VECTORS, "org_public.pem"), "utf8"));
const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const verify = async (payload: Record<string, unknown>) =>
  standardOf(await verifyLicenseBytes(new TextEncoder().encode(await mintLicense(payload, org.secret)), orgPoint, isoDay()));

describe("max_concurrent", () => {
  test("a floating STANDARD licence carries it", async () => {
    expect((await verify(standardPayload({ max_concurrent: 5 }))).maxConcurrent).toBe(5);
  });
  test.each([
    ["absent", {}],
    ["null", { max_concurrent: null }],
  ])("%s: not floating", async (_, overrides) => {
    expect((await verify(standardPayload(overrides))).maxConcurrent).toBeUndefined();
  });
  test.each([
    ["a string", "2", "invalid max_concurrent: expected an integer, found a string"],
    ["a float", new PyFloat(2), "invalid max_concurrent: expected an integer, found 2.0"],
    ["zero", 0, "invalid max_concurrent: must be at least 1"],
    ["negative", -3, "invalid max_concurrent: must be at least 1"],
  ])("%s is refused (65)", async (_, value, message) => {
    await expect(verify(standardPayload({ max_concurrent: value }))).rejects.toThrow(expect.objectContaining({ message, exitCode: 65 }));
  });
  test("a HARDWARE_BOUND licence must not have it", async () => {
    await expect(verify(hardwareBoundPayload("ab".repeat(32), { max_concurrent: 2 }))).rejects.toThrow(
      "HARDWARE_BOUND license must not have max_concurrent",
    );
  });
});
