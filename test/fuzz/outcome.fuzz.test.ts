// Property tests of the outcome classes (issue 8, spec 4.3): any status and body
// land in exactly one class, mapped as the spec says, and never throw.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { classifyExchange, type Exchange } from "../../src/drm/outcome.ts";
import { verifyResponse } from "../../src/drm/response.ts";
import { signedEnvelope } from "../support/mint.ts";
import { anyJson, applyMutations, byteMutations, hostileString } from "./arbitraries.ts";
import { org, other, utf8 } from "./license-oracle.ts";
import { expected, genuine, jsonObjectOf } from "./response-world.ts";

const genuineBytes = utf8.encode(await signedEnvelope(genuine, org.secret));
const body = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 512 }),
  anyJson.map((value) => utf8.encode(JSON.stringify(value))),
  fc.record({ error: fc.oneof(hostileString, anyJson), extra: anyJson }, { requiredKeys: [] }).map((v) => utf8.encode(JSON.stringify(v))),
  fc.string({ unit: "binary", maxLength: 700 }).map((error) => utf8.encode(JSON.stringify({ error }))),
  fc.constant(genuineBytes),
  fc.constant(utf8.encode(await signedEnvelope(genuine, other.secret))),
  byteMutations(genuineBytes.length).map((mutations) => applyMutations(genuineBytes, mutations)),
);
const status = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.constantFrom(200, 400, 404, 499, 500),
  fc.integer(),
  fc.constant(Number.NaN),
);

/** Spec 4.3: a 4xx whose body is a JSON object with a string `error`. */
const hasJsonError = (bytes: Uint8Array | null) => typeof (bytes && jsonObjectOf(bytes))?.error === "string";

describe("security (fuzz): DRM outcome classes", () => {
  test("any status and body land in exactly one class, as spec 4.3 maps them", async () => {
    await fc.assert(
      fc.asyncProperty(status, body, async (code, bytes) => {
        const { outcome, failedCheck } = await classifyExchange({ kind: "response", status: code, body: bytes }, expected);
        const verification = code === 200 ? await verifyResponse(bytes, expected) : null;
        if (verification?.ok) {
          expect(outcome).toEqual({ class: "verified", payload: verification.payload, respondedAt: 1767225600 });
        } else if (code >= 400 && code < 500 && hasJsonError(bytes)) {
          expect(outcome.class).toBe("rejected");
          if (outcome.class !== "rejected") return;
          expect(outcome.httpStatus).toBe(code);
          // Kept for the user: printable, bounded, never empty.
          expect(outcome.message.length).toBeGreaterThan(0);
          expect(outcome.message.length).toBeLessThanOrEqual(500);
          expect(outcome.message).not.toMatch(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
        } else {
          expect(outcome.class).toBe("unreachable");
          if (outcome.class === "unreachable") expect(outcome.reason).not.toMatch(/[\r\n]/);
        }
        expect(failedCheck).toBe(verification && !verification.ok ? verification.failed : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  test("a failed exchange is unreachable with its reason, whatever it says", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (reason) => {
        const exchange: Exchange = { kind: "failed", reason };
        expect(await classifyExchange(exchange, expected)).toEqual({ outcome: { class: "unreachable", reason } });
      }),
      { numRuns: 200 },
    );
  });
});
