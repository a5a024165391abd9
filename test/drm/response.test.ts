import { describe, expect, test } from "bun:test";
import { encodeBase64url } from "../../src/crypto/base64url.ts";
import { parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { classifyExchange, type Exchange, isDecommissionRequested, parseRespondedAt, payloadStatus } from "../../src/drm/outcome.ts";
import { MAX_RESPONSE_BYTES, verifyResponse } from "../../src/drm/response.ts";
import { generateKeyPair } from "../support/keys.ts";
import { signedEnvelope } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";

interface ResponseCase {
  name: string;
  endpoint: string;
  body: string;
  expect: "verified" | "unverified";
  failed_check: string | null;
  why: string;
}
const vectors = (await Bun.file(`${VECTORS}/responses.json`).json()) as {
  org_public_key_pem: string;
  nonce: string;
  machine_id: string;
  license_key: string;
  cases: ResponseCase[];
};
const expected = {
  orgPublicPoint: parsePublicKeyPem(vectors.org_public_key_pem),
  nonce: vectors.nonce,
  machineId: vectors.machine_id,
  licenseKey: vectors.license_key,
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe("response vectors (shared/vectors/responses.json)", () => {
  test.each(vectors.cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const result = await verifyResponse(bytes(c.body), expected);
    expect(result.ok ? "verified" : "unverified").toBe(c.expect);
    expect(result.ok ? null : result.failed).toBe(c.failed_check as never);
  });

  test("decommission is read from the status and from the flag", async () => {
    const payloadOf = async (name: string) => {
      const c = vectors.cases.find((x) => x.name === name) as ResponseCase;
      const result = await verifyResponse(bytes(c.body), expected);
      if (!result.ok) throw new Error(`${name} did not verify`);
      return result.payload;
    };
    expect(isDecommissionRequested(await payloadOf("valid"))).toBe(false);
    expect(isDecommissionRequested(await payloadOf("valid_decommission_status"))).toBe(true);
    expect(isDecommissionRequested(await payloadOf("valid_decommission_flag_only"))).toBe(true);
    expect(payloadStatus(await payloadOf("valid_revoked"))).toBe("REVOKED");
    expect(payloadStatus(await payloadOf("valid_decommission_ack"))).toBe("DECOMMISSIONED");
  });
});

const org = await generateKeyPair();
const mine = { orgPublicPoint: org.point, nonce: "n-1", machineId: "m-1", licenseKey: "LK-1" };

const good = await signedEnvelope(
  { status: "ACTIVE", request_nonce: "n-1", machine_id: "m-1", responded_at: "2026-01-01T00:00:05Z" },
  org.secret,
);

describe("classifyExchange (spec 4.3)", () => {
  const respond = (status: number, body: string | null): Exchange => ({
    kind: "response",
    status,
    body: body === null ? null : bytes(body),
  });

  test.each([
    ["verified 200", respond(200, good), "verified"],
    ["400 with a JSON error", respond(400, '{"error":"Maximum machine limit reached for this license."}'), "rejected"],
    ["403 with a JSON error", respond(403, '{"error":"nope"}'), "rejected"],
    ["400 with HTML", respond(400, "<h1>Bad</h1>"), "unreachable"],
    ["400 with a non-string error", respond(400, '{"error":42}'), "unreachable"],
    ["404 with an array", respond(404, '["error"]'), "unreachable"],
    ["4xx too large", respond(400, null), "unreachable"],
    ["500 with a JSON error", respond(500, '{"error":"x"}'), "unreachable"],
    ["502", respond(502, ""), "unreachable"],
    ["302", respond(302, ""), "unreachable"],
    ["204", respond(204, ""), "unreachable"],
    ["unsigned 200", respond(200, '{"status":"ACTIVE","request_nonce":"n-1"}'), "unreachable"],
    ["network failure", { kind: "failed", reason: "connection failed (ECONNREFUSED)" } as Exchange, "unreachable"],
  ] as const)("%s → %s", async (_name, exchange, cls) => {
    expect((await classifyExchange(exchange, mine)).outcome.class).toBe(cls);
  });

  test("a verified outcome carries the payload and responded_at as Unix seconds", async () => {
    const { outcome } = await classifyExchange(respond(200, good), mine);
    expect(outcome).toEqual({ class: "verified", payload: expect.objectContaining({ status: "ACTIVE" }), respondedAt: 1767225605 });
  });

  test("a rejected outcome keeps the status and the message", async () => {
    expect((await classifyExchange(respond(400, '{"error":"Maximum machine limit reached for this license."}'), mine)).outcome).toEqual({
      class: "rejected",
      httpStatus: 400,
      message: "Maximum machine limit reached for this license.",
    });
  });

  test("a 200 that fails verification names the check", async () => {
    const forged = await signedEnvelope({ request_nonce: "n-1" }, (await generateKeyPair()).secret);
    expect((await classifyExchange(respond(200, forged), mine)).failedCheck).toBe("signature");
    expect((await classifyExchange(respond(200, null), mine)).failedCheck).toBe("size");
  });

  test("responded_at: ISO 8601 with a zone, else absent", () => {
    expect(parseRespondedAt("2026-01-01T00:00:05+00:00")).toBe(1767225605);
    expect(parseRespondedAt("2026-01-01T00:00:05.250Z")).toBe(1767225605);
    for (const bad of ["2026-01-01", "2026-01-01T00:00:05", "yesterday", 1767225605, null]) expect(parseRespondedAt(bad)).toBeUndefined();
  });
});

describe("security: hostile responses", () => {
  const envelope = (payload: string, sig: string) => bytes(JSON.stringify({ payload, sig }));
  const b64 = (text: string) => encodeBase64url(bytes(text));

  test.each([
    ["truncated JSON", bytes('{"payload": "abc", "si'), "envelope"],
    ["a JSON array", bytes('["payload", "sig"]'), "envelope"],
    ["numbers for strings", bytes('{"payload": 1, "sig": 2}'), "envelope"],
    ["null", bytes("null"), "envelope"],
    ["not UTF-8", new Uint8Array([0xff, 0xfe, 0x7b]), "envelope"],
    ["empty", new Uint8Array(), "envelope"],
    ["sig not base64url", envelope(b64("{}"), "!!!"), "signature"],
    ["sig with trailing bytes", envelope(b64("{}"), "MAYCAQECAQEA"), "signature"],
    ["over 1 MiB", new Uint8Array(MAX_RESPONSE_BYTES + 1), "size"],
  ] as const)("%s fails the %s check", async (_name, body, check) => {
    const result = await verifyResponse(body, mine);
    expect(result.ok ? null : result.failed).toBe(check);
  });

  test("a signed payload that is not a JSON object fails the payload check", async () => {
    const signedArray = JSON.parse(await signedEnvelope([1, 2], org.secret)) as { payload: string; sig: string };
    expect(await verifyResponse(envelope(signedArray.payload, signedArray.sig), mine)).toEqual({ ok: false, failed: "payload" });
  });

  test("present fields of the wrong type are mismatches, absent ones are fine", async () => {
    const withFields = async (extra: Record<string, unknown>) => {
      const e = JSON.parse(await signedEnvelope({ request_nonce: "n-1", ...extra }, org.secret)) as { payload: string; sig: string };
      return verifyResponse(envelope(e.payload, e.sig), mine);
    };
    expect((await withFields({})).ok).toBe(true);
    expect(await withFields({ machine_id: null })).toEqual({ ok: false, failed: "machine_id" });
    expect(await withFields({ license_key: ["LK-1"] })).toEqual({ ok: false, failed: "license_key" });
    expect(await withFields({ request_nonce: 1 })).toEqual({ ok: false, failed: "request_nonce" });
  });

  test("a rejected message cannot smuggle terminal control sequences", async () => {
    const exchange: Exchange = {
      kind: "response",
      status: 403,
      body: bytes(JSON.stringify({ error: "denied\u001b[2J\r\nfake line\u202e" })),
    };
    const { outcome } = await classifyExchange(exchange, mine);
    expect(outcome).toEqual({ class: "rejected", httpStatus: 403, message: "denied [2J  fake line" });
  });
});
