// Property tests of DRM response handling (issue 8): verification never throws,
// accepts only the org key's signature bound to our nonce, machine and licence,
// and every exchange lands in exactly one outcome class as spec 4.3 maps it.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { classifyExchange } from "../../src/drm/outcome.ts";
import { MAX_RESPONSE_BYTES, verifyResponse } from "../../src/drm/response.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { signedEnvelope } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

const org = keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const other = keyPairFromPem(readFileSync(join(VECTORS, "other_private.pem"), "utf8"));
const expected = { orgPublicPoint: org.point, nonce: "7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8", machineId: "m-1", licenseKey: "LK-1" };
const utf8 = new TextEncoder();
const genuine = {
  status: "ACTIVE",
  request_nonce: expected.nonce,
  machine_id: "m-1",
  license_key: "LK-1",
  responded_at: "2026-01-01T00:00:00Z",
};

describe("fuzz: response verification", () => {
  test("arbitrary bodies never throw and are never verified", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }),
          fc.jsonValue().map((v) => utf8.encode(JSON.stringify(v))),
        ),
        (body) => {
          expect(verifyResponse(body, expected).ok).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("signed payloads are verified exactly when signed by the org key and bound to our nonce, machine and licence", () => {
    const field = fc.constantFrom("request_nonce", "machine_id", "license_key", "status", "extra");
    fc.assert(
      fc.property(field, fc.option(fc.jsonValue(), { nil: undefined }), fc.boolean(), (name, value, byOrg) => {
        const payload: Record<string, unknown> = { ...genuine };
        if (value === undefined) delete payload[name];
        else payload[name] = value;
        const body = utf8.encode(signedEnvelope(payload, byOrg ? org.secret : other.secret));
        const verdict = verifyResponse(body, expected);
        const bound =
          payload.request_nonce === expected.nonce &&
          (!("machine_id" in payload) || payload.machine_id === expected.machineId) &&
          (!("license_key" in payload) || payload.license_key === expected.licenseKey);
        expect(verdict.ok).toBe(byOrg && bound);
      }),
      { numRuns: 300 },
    );
  });

  test("a body over 1 MiB is refused by size, whatever it holds", () => {
    const padded = JSON.stringify({ ...JSON.parse(signedEnvelope(genuine, org.secret)), pad: "x".repeat(MAX_RESPONSE_BYTES) });
    expect(verifyResponse(utf8.encode(padded), expected)).toEqual({ ok: false, failed: "size" });
    expect(verifyResponse(null, expected)).toEqual({ ok: false, failed: "size" });
  });

  test("every exchange lands in exactly one class, as spec 4.3 maps status and body", () => {
    const body = fc.oneof(
      fc.constant(null),
      fc.uint8Array({ maxLength: 256 }),
      fc.jsonValue().map((v) => utf8.encode(JSON.stringify(v))),
      fc.string().map((error) => utf8.encode(JSON.stringify({ error }))),
      fc.constant(utf8.encode(signedEnvelope(genuine, org.secret))),
    );
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), body, (status, bytes) => {
        const { outcome } = classifyExchange({ kind: "response", status, body: bytes }, expected);
        let error: unknown;
        try {
          error = bytes && (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>)?.error;
        } catch {}
        if (status === 200) expect(outcome.class).toBe(verifyResponse(bytes, expected).ok ? "verified" : "unreachable");
        else if (status >= 400 && status < 500 && typeof error === "string") expect(outcome.class).toBe("rejected");
        else expect(outcome.class).toBe("unreachable");
      }),
      { numRuns: 2000 },
    );
  });
});
