// Property tests of the IPC line handler (issue 8, spec 7.3): whatever line arrives,
// it answers exactly one line of JSON, an object with status ok or error, echoing any
// id as written, and splicing the signed features in unchanged.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createRequestHandler, type IpcLicense, type StatusSnapshot } from "../../src/ipc/protocol.ts";
import { anyJson, hostileString, jsonSpace } from "./arbitraries.ts";

const METHODS = ["health", "get_license", "get_features", "get_status"];
const FEATURES = '{ "big" : 12345678901234567890,\r\n\t"one": 1.0, "nested": {"\\u00e9 \\" ": [1, 2.5e-7, null]} }';
const LICENSE: IpcLicense = {
  licenseKey: "LK-1",
  licenseType: "STANDARD",
  expiryDate: "2099-12-31",
  featuresJson: FEATURES,
  orgId: "o",
  softwareId: "s",
};
const STATUS: StatusSnapshot = { online: true, lastHeartbeatSuccess: 1, graceRemainingSeconds: 2, graceExhausted: false };
const LICENSE_FIELDS = { license_type: "STANDARD", expiry_date: "2099-12-31", org_id: "o", software_id: "s" };
const handle = createRequestHandler({ license: LICENSE, status: () => STATUS });
const utf8 = new TextEncoder();
const noNewline = (bytes: Uint8Array) => bytes.filter((byte) => byte !== 0x0a);

/** One response line: no newline, a JSON object whose status is ok or error. */
function answer(response: string): Record<string, unknown> {
  expect(response).not.toContain("\n");
  const parsed = JSON.parse(response) as Record<string, unknown>;
  expect(parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)).toBe(true);
  expect(["ok", "error"]).toContain(parsed.status as string);
  if (parsed.status === "error") expect(typeof parsed.error).toBe("string");
  return parsed;
}

/** A JSON value written with random insignificant whitespace (never a newline: lines are split on it). */
const spacedJson = fc.tuple(anyJson, jsonSpace).map(([value, indent]) => {
  // JSON.stringify never writes a raw newline inside a string, so only its line breaks go.
  const text = JSON.stringify(value, null, indent.replaceAll("\n", "") || undefined).replaceAll("\n", " ");
  // The value the text means (JSON has no -0).
  return { value: JSON.parse(JSON.stringify(value)) as unknown, text };
});

const deepId = fc
  .record({ depth: fc.integer({ min: 1, max: 50_000 }), object: fc.boolean() })
  .map(({ depth, object }) => (object ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}${"]".repeat(depth)}`));
const hugeString = fc.tuple(hostileString, fc.integer({ min: 1, max: 20_000 })).map(([text, times]) => text.repeat(times));

describe("security (fuzz): IPC line handler", () => {
  test("arbitrary bytes (invalid UTF-8, unbalanced deep nesting) always get one line of JSON with a status", () => {
    const line = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.string({ unit: "binary", maxLength: 256 }).map((text) => utf8.encode(text)),
      deepId.map((text) => utf8.encode(`{"method":"health","id":${text.slice(0, Math.ceil(text.length / 2))}`)),
      fc.tuple(fc.constantFrom(...METHODS), fc.uint8Array({ maxLength: 8 }), fc.nat(40)).map(([method, junk, at]) => {
        const bytes = Array.from(utf8.encode(JSON.stringify({ method, id: 1 })));
        bytes.splice(at, 0, ...junk);
        return new Uint8Array(bytes);
      }),
    );
    fc.assert(
      fc.property(line, (bytes) => {
        answer(handle(noNewline(bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  test("any JSON value: ok only for an object with a known string method, else a documented error", () => {
    const key = fc.oneof(fc.constantFrom("method", "id", "__proto__", "constructor", "toString"), hostileString);
    const request = fc.oneof(
      anyJson,
      fc.dictionary(key, fc.oneof(fc.constantFrom(...METHODS, "__proto__", "hasOwnProperty"), anyJson), { maxKeys: 4 }),
      fc.record({ method: fc.oneof(fc.constantFrom(...METHODS), anyJson, hugeString) }),
    );
    fc.assert(
      fc.property(request, (value) => {
        const parsed = answer(handle(utf8.encode(JSON.stringify(value))));
        const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
        const method = isObject && Object.hasOwn(value, "method") ? (value as { method: unknown }).method : undefined;
        if (typeof method !== "string") expect(parsed.error).toBe("malformed request");
        else if (METHODS.includes(method)) expect(parsed.status).toBe("ok");
        else expect(parsed.error).toBe(`unknown method: ${method}`);
      }),
      { numRuns: 2000 },
    );
  });

  test("any id, deep, huge or oddly spaced, is echoed exactly as the client wrote it", () => {
    // Deep ids are compared as text only: a recursive deep-equal would overflow the test's own stack.
    const id = fc.oneof(
      spacedJson,
      deepId.map((text) => ({ value: undefined, text })),
      hugeString.map((text) => ({ value: text, text: JSON.stringify(text) })),
      fc.bigInt().map((n) => ({ value: JSON.parse(n.toString()) as unknown, text: n.toString() })),
    );
    fc.assert(
      fc.property(id, fc.constantFrom(...METHODS, "nope"), jsonSpace, ({ value, text }, method, space) => {
        const response = handle(utf8.encode(`{${space.replaceAll("\n", "")}"method":"${method}","id":${text}}`));
        const parsed = answer(response);
        expect(response.startsWith(`{"status":"${parsed.status}","id":${text}`)).toBe(true);
        if (value !== undefined) expect(parsed.id).toEqual(value);
      }),
      { numRuns: 400 },
    );
  });

  test("signed features of any shape are spliced in unchanged, whitespace outside strings aside", () => {
    const token = fc.constantFrom("1.0", "12345678901234567890", "-0", "1E+2", "2.5e-7", "1e400");
    fc.assert(
      fc.property(spacedJson, token, hostileString, ({ value, text }, raw, licenseKey) => {
        const featuresJson = `{ "raw" :\t${raw} ,\r\n "v": ${text} }`;
        const license = { ...LICENSE, licenseKey, featuresJson };
        const ipc = createRequestHandler({ license, status: () => STATUS });
        const compact = `{"raw":${raw},"v":${JSON.stringify(value)}}`;
        expect(ipc(utf8.encode('{"method":"get_features"}'))).toBe(`{"status":"ok","features":${compact}}`);
        const response = ipc(utf8.encode('{"method":"get_license","id":7}'));
        expect(response).toContain(`"features":${compact},`);
        expect(answer(response)).toEqual({
          status: "ok",
          id: 7,
          license: { ...LICENSE_FIELDS, license_key: licenseKey, features: JSON.parse(compact) },
        });
      }),
      { numRuns: 500 },
    );
  });
});
