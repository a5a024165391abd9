// Offline request and response files (spec 15.1): requests signed by the machine
// key over canonical JSON; every check a response must pass, each failing alone.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { verifyEs256 } from "../../src/crypto/es256.ts";
import { activationRequestPayload, signRequestFile, writeRequestFile } from "../../src/offline/request-file.ts";
import { checkOfflineResponse, openResponseFile, readResponseFile } from "../../src/offline/response-file.ts";
import { checkState } from "../../src/state/state-record.ts";
import { canonicalJson } from "../support/canonical-json.ts";
import { generateKeyPair } from "../support/keys.ts";
import { signedEnvelope } from "../support/mint.ts";

const dir = mkdtempSync(join(tmpdir(), "offline-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const org = await generateKeyPair();
const machine = await generateKeyPair();
const NONCE = "0b7f5c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b";
const MACHINE = "9b2f1c4e-8a7d-4f3b-9c2e-1d5a6b7c8d9e";
const expected = { pendingNonce: NONCE as string | undefined, machineId: MACHINE, licenseKey: "LK-1" };
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
const response = async (payload: Record<string, unknown>, secret = org.secret, extra: Record<string, unknown> = { alg: "ES256" }) =>
  bytes(await signedEnvelope(payload, secret, extra));

describe("request files", () => {
  test("an activation request: licence-file envelope, canonical JSON, signed by the machine key, written 0600", async () => {
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
    writeRequestFile(path, await signRequestFile(payload, machine.secret));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const envelope = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(envelope)).toEqual(["alg", "payload", "sig"]);
    const text = new TextDecoder().decode(decodeBase64url(envelope.payload) as Uint8Array);
    expect(text).toBe(canonicalJson(payload));
    expect(text).toContain('"created_at":"2026-06-10T12:00:00Z"');
    expect(text).toContain('"license_key":"LK-\\u00e9"');
    expect(await verifyEs256(decodeBase64url(envelope.sig) as Uint8Array, envelope.payload, machine.point)).toBe(true);
  });

  test("an unwritable place: a usage error naming it", () => {
    expect(() => writeRequestFile(join(dir, "missing-dir", "request.json"), "{}")).toThrow(/cannot write the request file: .*missing-dir/);
  });
});

/** The file opened with the org key (as before the state lock), then checked against the pending request. */
const check = async (body: Uint8Array | null, change: Partial<typeof expected> = {}) =>
  checkOfflineResponse(await openResponseFile(body, org.point), { ...expected, ...change });

const refused: [string, Uint8Array | null, Partial<typeof expected>, string][] = [
  ["no request pending", await response(good), { pendingNonce: undefined }, "no offline activation request is pending"],
  ["over 1 MiB", null, {}, "size check failed"],
  ["not an envelope", bytes("{}"), {}, "envelope check failed"],
  ["another algorithm", await response(good, org.secret, { alg: "RS256" }), {}, "alg check failed"],
  ["another key", await response(good, machine.secret), {}, "signature check failed"],
  ["another request", await response({ ...good, request_nonce: crypto.randomUUID() }), {}, "request_nonce check failed"],
  ["another machine", await response({ ...good, machine_id: crypto.randomUUID() }), {}, "machine_id check failed"],
  ["machine_id left out", await response({ ...good, machine_id: undefined }), {}, "machine_id check failed"],
  ["another licence", await response({ ...good, license_key: "LK-2" }), {}, "license_key check failed"],
  ["license_key left out", await response({ ...good, license_key: undefined }), {}, "license_key check failed"],
  ["not ACTIVE", await response({ ...good, status: "SUSPENDED" }), {}, 'status check failed ("SUSPENDED", not ACTIVE)'],
  ["no offline_until", await response({ ...good, offline_until: undefined }), {}, "offline_until check failed"],
  ["an impossible offline_until", await response({ ...good, offline_until: "2026-02-30" }), {}, "offline_until check failed"],
  ["no responded_at", await response({ ...good, responded_at: "yesterday" }), {}, "responded_at check failed"],
];

describe("response checks", () => {
  test("a genuine answer to the pending request is accepted", async () => {
    expect(await check(await response(good))).toEqual({
      ok: true,
      offlineUntil: "2026-07-10",
      respondedAt: Date.parse(good.responded_at) / 1000,
    });
  });

  test("the server-response form without alg is accepted too", async () => {
    expect((await check(await response(good, org.secret, {}))).ok).toBe(true);
  });

  for (const [name, body, change, message] of refused) {
    test(`refused: ${name}`, async () => {
      const result = await check(body, change);
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
