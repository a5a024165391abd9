// The reference server is a real check of the client: hand-made requests with one
// thing wrong each are refused. The first test proves the hand-made ones are right.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { signedHeaders } from "../../src/drm/request-signing.ts";
import { ENDPOINTS } from "../../src/drm/server-url.ts";
import { type DrmFixture, startDrmFixture, type TestMachine } from "../support/drm-fixture.ts";
import { generateKeyPair } from "../support/keys.ts";

let fixture: DrmFixture;
let machine: TestMachine;
beforeAll(async () => {
  fixture = await startDrmFixture();
  machine = await fixture.machine();
  expect((await machine.activate()).class).toBe("verified");
});
afterAll(() => fixture.stop());

interface RawOptions {
  endpoint?: keyof typeof ENDPOINTS;
  body?: Record<string, unknown>;
  /** Bytes sent instead of the signed body. */
  sentBody?: string;
  secret?: Uint8Array;
  machineId?: string;
  timestamp?: number;
  nonce?: string;
  signedPath?: string;
  drop?: string;
}

async function rawRequest(options: RawOptions = {}): Promise<{ send(): Promise<{ status: number; error?: string }> }> {
  const endpoint = options.endpoint ?? "heartbeat";
  const path = ENDPOINTS[endpoint];
  const body = JSON.stringify(
    options.body ?? { license_key: fixture.licenseKey, machine_id: machine.machineId, software_version: "1.0.0" },
  );
  const headers = await signedHeaders({
    method: "POST",
    path: options.signedPath ?? path,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    nonce: options.nonce ?? crypto.randomUUID(),
    body: new TextEncoder().encode(body),
    machineId: options.machineId ?? machine.machineId,
    machineSecret: options.secret ?? machine.key.secret,
    userAgent: "sentinel/test (LINUX_AMD64)",
  });
  if (options.drop) delete headers[options.drop];
  return {
    async send() {
      const response = await fetch(`${fixture.server.url}${path}`, { method: "POST", headers, body: options.sentBody ?? body });
      const data = (await response.json()) as { error?: string };
      return { status: response.status, error: data.error };
    },
  };
}

test("a correct hand-made request is accepted", async () => {
  expect((await (await rawRequest()).send()).status).toBe(200);
});

describe("security: the server refuses", () => {
  test("a signature by another key", async () => {
    expect(await (await rawRequest({ secret: (await generateKeyPair()).secret })).send()).toEqual({
      status: 401,
      error: "Invalid request signature.",
    });
  });

  test("a body other than the one signed (body hash)", async () => {
    const sentBody = JSON.stringify({ license_key: fixture.licenseKey, machine_id: machine.machineId, software_version: "6.6.6" });
    expect(await (await rawRequest({ sentBody })).send()).toEqual({ status: 401, error: "Invalid request signature." });
  });

  test("a signature over another path", async () => {
    expect((await (await rawRequest({ signedPath: ENDPOINTS.activate })).send()).status).toBe(401);
  });

  test.each([
    ["301 s old", -301],
    ["301 s ahead", 301],
  ])("a timestamp %s", async (_name, skew) => {
    const timestamp = Math.floor(Date.now() / 1000) + skew;
    expect(await (await rawRequest({ timestamp })).send()).toEqual({
      status: 401,
      error: "Request timestamp is outside the allowed window.",
    });
  });

  test("a replayed request (same nonce)", async () => {
    const request = await rawRequest();
    expect((await request.send()).status).toBe(200);
    expect(await request.send()).toEqual({ status: 401, error: "Request nonce has already been used." });
  });

  test.each(["X-Sentinel-Machine-Id", "X-Sentinel-Timestamp", "X-Sentinel-Nonce", "X-Sentinel-Signature"])(
    "a request without %s",
    async (drop) => {
      expect(await (await rawRequest({ drop })).send()).toEqual({ status: 401, error: `Missing ${drop} header.` });
    },
  );

  test("a body naming another machine than the header", async () => {
    const body = { license_key: fixture.licenseKey, machine_id: crypto.randomUUID(), software_version: "1" };
    expect((await (await rawRequest({ body })).send()).status).toBe(400);
  });

  test("an activation not signed by the key it registers", async () => {
    const other = await fixture.machine();
    const body = {
      license_key: fixture.licenseKey,
      machine_id: other.machineId,
      machine_public_key_pem: other.key.publicPem,
      platform: "LINUX_AMD64",
      software_version: "1",
    };
    const result = await (
      await rawRequest({ endpoint: "activate", body, machineId: other.machineId, secret: (await generateKeyPair()).secret })
    ).send();
    expect(result).toEqual({ status: 401, error: "Invalid request signature." });
    expect(await fixture.server.admin.listMachines(fixture.licenseKey)).toHaveLength(1);
  });

  test("spec 12.3: a re-activation under a new key (a machine that lost its key) keeps the seat; the old key is refused from then on", async () => {
    const own = await startDrmFixture();
    try {
      const original = await own.machine();
      expect((await original.activate()).class).toBe("verified");
      const rekeyed = await own.machine({ machineId: original.machineId });
      expect((await rekeyed.activate()).class).toBe("verified");
      const machines = await own.server.admin.listMachines(own.licenseKey);
      expect(machines.map((m) => [m.machine_id, m.public_key_pem])).toEqual([[original.machineId, rekeyed.key.publicPem]]);
      expect(await original.heartbeat()).toMatchObject({ class: "rejected" });
      expect((await rekeyed.heartbeat()).class).toBe("verified");
    } finally {
      await own.stop();
    }
  });

  test("the real client with a clock 10 minutes off is rejected, not retried", async () => {
    await fixture.server.admin.clearRequestLog();
    const skewed = await fixture.machine({
      machineId: machine.machineId,
      machineSecret: machine.key.secret,
      now: () => Date.now() - 600_000,
    });
    expect(await skewed.heartbeat()).toMatchObject({ class: "rejected", httpStatus: 401 });
    expect(await fixture.server.admin.requestCounts()).toEqual({ heartbeat: 1 });
  });

  test("admin calls without the bearer token", async () => {
    const origin = new URL(fixture.server.url).origin;
    expect((await fetch(`${origin}/admin/requests`)).status).toBe(401);
    const wrong = await fetch(`${origin}/admin/requests`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });
});
