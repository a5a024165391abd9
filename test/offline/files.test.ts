// Offline request and response files (spec 15.1): requests signed by the machine
// key over canonical JSON; every check a response must pass, each failing alone.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { verifyEs256 } from "../../src/crypto/es256.ts";
import { activationRequestPayload, signRequestFile, writeRequestFile } from "../../src/offline/request-file.ts";
import { checkOfflineResponse, readResponseFile } from "../../src/offline/response-file.ts";
import { checkState } from "../../src/state/state-record.ts";
import { canonicalJson } from "../support/canonical-json.ts";
import { generateKeyPair } from "../support/keys.ts";
import { signedEnvelope } from "../support/mint.ts";

const dir = mkdtempSync(join(tmpdir(), "offline-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const org = generateKeyPair();
const machine = generateKeyPair();
const NONCE = "0b7f5c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b";
const MACHINE = "9b2f1c4e-8a7d-4f3b-9c2e-1d5a6b7c8d9e";
const expected = { orgPublicPoint: org.point, pendingNonce: NONCE, machineId: MACHINE, licenseKey: "LK-1" };
const good = {
  status: "ACTIVE",
  machine_id: MACHINE,
  license_key: "LK-1",
  expiry_date: "2027-01-01",
  heartbeat_interval_minutes: 60,
  heartbeat_grace_period_days: 7,
  features: { tier: "pro" },
  request_nonce: NONCE,
  responded_at: "2026-06-10T12:00:00Z",
  offline_until: "2026-07-10",
};
const bytes = (text: string) => new TextEncoder().encode(text);
const response = (payload: Record<string, unknown>, secret = org.secret, extra: Record<string, unknown> = { alg: "ES256" }) =>
  bytes(signedEnvelope(payload, secret, extra));

describe("request files", () => {
  test("an activation request: licence-file envelope, canonical JSON, signed by the machine key, written 0600", () => {
    const payload = activationRequestPayload({
      licenseKey: "LK-é",
      machineId: MACHINE,
      machinePublicKeyPem: machine.publicPem,
      platform: "LINUX_AMD64",
      softwareVersion: "1.2.3",
      nonce: NONCE,
      nowMs: Date.parse("2026-06-10T12:00:00.123Z"),
    });
    const path = join(dir, "request.json");
    writeRequestFile(path, signRequestFile(payload, machine.secret));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const envelope = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(envelope)).toEqual(["alg", "payload", "sig"]);
    const text = new TextDecoder().decode(decodeBase64url(envelope.payload) as Uint8Array);
    expect(text).toBe(canonicalJson(payload));
    expect(text).toContain('"created_at":"2026-06-10T12:00:00Z"');
    expect(text).toContain('"license_key":"LK-\\u00e9"');
    expect(verifyEs256(decodeBase64url(envelope.sig) as Uint8Array, envelope.payload, machine.point)).toBe(true);
  });

  test("an unwritable place: a usage error naming it", () => {
    expect(() => writeRequestFile(join(dir, "missing-dir", "request.json"), "{}")).toThrow(/cannot write the request file: .*missing-dir/);
  });
});

describe("response checks", () => {
  test("a genuine answer to the pending request is accepted", () => {
    expect(checkOfflineResponse(response(good), expected)).toEqual({
      ok: true,
      offlineUntil: "2026-07-10",
      respondedAt: Date.parse(good.responded_at) / 1000,
    });
  });

  test("the server-response form without alg is accepted too", () => {
    expect(checkOfflineResponse(response(good, org.secret, {}), expected).ok).toBe(true);
  });

  const refused: [string, Uint8Array | null, Partial<typeof expected>, string][] = [
    ["no request pending", response(good), { pendingNonce: undefined }, "no offline activation request is pending"],
    ["over 1 MiB", null, {}, "size check failed"],
    ["not an envelope", bytes("{}"), {}, "envelope check failed"],
    ["another algorithm", response(good, org.secret, { alg: "RS256" }), {}, "alg check failed"],
    ["another key", response(good, machine.secret), {}, "signature check failed"],
    ["another request", response({ ...good, request_nonce: crypto.randomUUID() }), {}, "request_nonce check failed"],
    ["another machine", response({ ...good, machine_id: crypto.randomUUID() }), {}, "machine_id check failed"],
    ["machine_id left out", response({ ...good, machine_id: undefined }), {}, "machine_id check failed"],
    ["another licence", response({ ...good, license_key: "LK-2" }), {}, "license_key check failed"],
    ["license_key left out", response({ ...good, license_key: undefined }), {}, "license_key check failed"],
    ["not ACTIVE", response({ ...good, status: "SUSPENDED" }), {}, 'status check failed ("SUSPENDED", not ACTIVE)'],
    ["no offline_until", response({ ...good, offline_until: undefined }), {}, "offline_until check failed"],
    ["an impossible offline_until", response({ ...good, offline_until: "2026-02-30" }), {}, "offline_until check failed"],
    ["no responded_at", response({ ...good, responded_at: "yesterday" }), {}, "responded_at check failed"],
  ];
  for (const [name, body, change, message] of refused) {
    test(`refused: ${name}`, () => {
      const result = checkOfflineResponse(body, { ...expected, ...change });
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.message).toContain(message);
    });
  }

  test("a file over 1 MiB is never read whole", () => {
    const path = join(dir, "huge.json");
    writeFileSync(path, Buffer.alloc(1024 * 1024 + 10, 0x20));
    expect(readResponseFile(path)).toBeNull();
    expect(() => readResponseFile(join(dir, "absent.json"))).toThrow("cannot read the response file");
  });
});

describe("state fields", () => {
  const state = {
    machine_id: MACHINE,
    activated: true,
    license_key: "LK-1",
    last_heartbeat_success: 1,
    grace_remaining_seconds: 2,
    grace_exhausted: false,
    generation: 3,
    last_seen: 4,
  };
  test("absent in older state files; kept when valid", () => {
    expect(checkState(state)).toEqual(state);
    expect(checkState({ ...state, pending_offline_nonce: NONCE, offline_until: "2026-07-10" })).toEqual({
      ...state,
      pending_offline_nonce: NONCE,
      offline_until: "2026-07-10",
    });
  });
  test("malformed values are named", () => {
    expect(checkState({ ...state, pending_offline_nonce: "x" })).toBe("pending_offline_nonce is not a UUID v4");
    expect(checkState({ ...state, offline_until: 20260710 })).toBe("offline_until is not a YYYY-MM-DD date");
  });
});
