// Property tests of the IPC line handler (issue 8): whatever line arrives, it
// answers exactly one line of JSON, an object with status ok or error, echoing
// any id, and splicing the signed features in unchanged.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createRequestHandler } from "../../src/ipc/protocol.ts";

const FEATURES = '{"big":12345678901234567890,"one":1.0,"nested":{"\\u00e9":[1,2.5,null]}}';
const handle = createRequestHandler({
  license: { licenseKey: "LK-1", licenseType: "STANDARD", expiryDate: "2099-12-31", featuresJson: FEATURES, orgId: "o", softwareId: "s" },
  status: () => ({ online: true, lastHeartbeatSuccess: 1, graceRemainingSeconds: 2, graceExhausted: false }),
});
const utf8 = new TextEncoder();

function answer(line: Uint8Array): Record<string, unknown> {
  const response = handle(line);
  expect(response).not.toContain("\n");
  const parsed = JSON.parse(response) as Record<string, unknown>;
  expect(["ok", "error"]).toContain(parsed.status as string);
  return parsed;
}

describe("fuzz: IPC line handler", () => {
  test("arbitrary bytes (invalid UTF-8 included) always get one line of JSON with a status", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (line) => {
        answer(line.filter((byte) => byte !== 0x0a));
      }),
      { numRuns: 2000 },
    );
  });

  test("arbitrary JSON values: only an object with a known string method is ok", () => {
    const methods = ["health", "get_license", "get_features", "get_status"];
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ method: fc.oneof(fc.constantFrom(...methods), fc.jsonValue()) })), (request) => {
        const parsed = answer(utf8.encode(JSON.stringify(request)));
        const known =
          typeof request === "object" &&
          request !== null &&
          !Array.isArray(request) &&
          methods.includes((request as { method: string }).method);
        expect(parsed.status).toBe(known ? "ok" : "error");
      }),
      { numRuns: 2000 },
    );
  });

  test("any JSON id is echoed, and features reach the software exactly as signed", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom("health", "get_features", "nope"), (id, method) => {
        const response = handle(utf8.encode(JSON.stringify({ method, id })));
        expect((JSON.parse(response) as { id: unknown }).id).toEqual(JSON.parse(JSON.stringify(id)));
        if (method === "get_features") expect(response).toContain(`"features":${FEATURES}`);
      }),
      { numRuns: 1000 },
    );
  });

  test("deep nesting and __proto__ do not escape the handler", () => {
    for (const line of ["[".repeat(100_000), `{"method":"health","__proto__":{"status":"pwned"}}`, `{"method":"__proto__"}`]) {
      answer(utf8.encode(line));
    }
  });
});
