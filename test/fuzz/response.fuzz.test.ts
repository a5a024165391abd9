// Property tests of DRM response verification (issue 8, spec 4.2): it never throws,
// verifies only an org-signed payload bound to our nonce, machine and licence, and
// names the first check (in the spec's order) that a refused body failed.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeBase64url, encodeBase64url } from "../../src/crypto/base64url.ts";
import { signEs256 } from "../../src/crypto/es256.ts";
import { MAX_RESPONSE_BYTES, type ResponseCheck, verifyResponse } from "../../src/drm/response.ts";
import { canonicalJson } from "../support/canonical-json.ts";
import { signedEnvelope } from "../support/mint.ts";
import { anyJson, applyMutations, byteMutations, hostileString, jsonSpace } from "./arbitraries.ts";
import { org, other, utf8 } from "./license-oracle.ts";
import { expected, genuine, jsonObjectOf, nearMisses } from "./response-world.ts";

const CHECKS: ResponseCheck[] = ["size", "envelope", "signature", "payload", "request_nonce", "machine_id", "license_key"];
const genuineBody = await signedEnvelope(genuine, org.secret);

async function verify(body: Uint8Array | string | null) {
  const verdict = await verifyResponse(typeof body === "string" ? utf8.encode(body) : body, expected);
  if (!verdict.ok) expect(CHECKS).toContain(verdict.failed);
  return verdict;
}

/** The first check of spec 4.2 a signed payload fails, or null when it is bound to our request. */
function firstUnboundCheck(payload: Record<string, unknown>): ResponseCheck | null {
  if (payload.request_nonce !== expected.nonce) return "request_nonce";
  if ("machine_id" in payload && payload.machine_id !== expected.machineId) return "machine_id";
  if ("license_key" in payload && payload.license_key !== expected.licenseKey) return "license_key";
  return null;
}

describe("security (fuzz): DRM response verification", () => {
  test("random bodies and envelopes of any shape never throw and are never verified", async () => {
    const field = fc.oneof(anyJson, hostileString, fc.uint8Array({ maxLength: 72 }).map(encodeBase64url));
    const envelope = fc.record({ payload: field, sig: field, extra: anyJson }, { requiredKeys: [] }).map((e) => JSON.stringify(e));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }),
          fc.string({ unit: "binary", maxLength: 256 }),
          anyJson.map((v) => JSON.stringify(v)),
          envelope,
        ),
        async (body) => {
          const verdict = await verify(body);
          expect(verdict.ok).toBe(false);
          const object = jsonObjectOf(typeof body === "string" ? utf8.encode(body) : body);
          const shaped = object !== null && typeof object.payload === "string" && typeof object.sig === "string";
          if (!shaped) expect(verdict).toEqual({ ok: false, failed: "envelope" });
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("byte mutations of a genuine response are verified only when its payload and signature survive", async () => {
    const bytes = utf8.encode(genuineBody);
    await fc.assert(
      fc.asyncProperty(byteMutations(bytes.length), async (mutations) => {
        const verdict = await verify(applyMutations(bytes, mutations));
        if (verdict.ok) expect(verdict.payload).toEqual(genuine);
      }),
      { numRuns: 3000 },
    );
  });

  test("a signed payload is verified exactly when the org key signed it and it is bound to our request", async () => {
    const name = fc.constantFrom("request_nonce", "machine_id", "license_key", "status", "responded_at", "__proto__");
    const value = fc.oneof(anyJson, nearMisses, fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 3 }), fc.boolean(), async (changes, byOrg) => {
        const payload: Record<string, unknown> = { ...genuine };
        for (const [field, replacement] of changes) {
          if (replacement === undefined) delete payload[field];
          // defineProperty, so that "__proto__" becomes a member rather than the prototype.
          else Object.defineProperty(payload, field, { value: replacement, enumerable: true, writable: true, configurable: true });
        }
        const verdict = await verify(await signedEnvelope(payload, byOrg ? org.secret : other.secret));
        const decoded = JSON.parse(canonicalJson(payload)) as Record<string, unknown>;
        const failed = byOrg ? firstUnboundCheck(decoded) : "signature";
        expect(verdict).toEqual(failed === null ? { ok: true, payload: decoded } : { ok: false, failed });
      }),
      { numRuns: 600 },
    );
  });

  test("an org-signed payload string that is not a JSON object fails the payload check", async () => {
    const notAnObject = fc.oneof(
      hostileString.filter((text) => jsonObjectOf(decodeBase64url(text) ?? new Uint8Array()) === null),
      anyJson
        .filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
        .map((v) => encodeBase64url(utf8.encode(JSON.stringify(v)))),
    );
    await fc.assert(
      fc.asyncProperty(notAnObject, async (payload) => {
        const body = JSON.stringify({ payload, sig: encodeBase64url(await signEs256(payload, org.secret)) });
        expect(await verify(body)).toEqual({ ok: false, failed: "payload" });
      }),
      { numRuns: 300 },
    );
  });

  test("a genuine response padded to around 1 MiB is verified exactly when it is at most 1 MiB", async () => {
    const size = fc.oneof(
      fc.integer({ min: MAX_RESPONSE_BYTES - 8, max: MAX_RESPONSE_BYTES + 8 }),
      fc.integer({ min: genuineBody.length, max: MAX_RESPONSE_BYTES + 4096 }),
    );
    await fc.assert(
      fc.asyncProperty(size, jsonSpace, async (total, space) => {
        const pad = " ".repeat(Math.max(0, total - genuineBody.length - space.length));
        const body = `${space}${genuineBody.slice(0, -1)}${pad}}`;
        const verdict = await verify(body);
        expect(verdict.ok).toBe(utf8.encode(body).length <= MAX_RESPONSE_BYTES);
        if (!verdict.ok) expect(verdict.failed).toBe("size");
      }),
      { numRuns: 100 },
    );
    expect(await verify(null)).toEqual({ ok: false, failed: "size" });
  });
});
