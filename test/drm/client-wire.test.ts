// What the client puts on the wire (spec 4.1), seen by a bare capturing server:
// paths with the prefix, headers, exact body fields, a fresh nonce per attempt.
import { afterAll, expect, test } from "bun:test";
import { VERSION } from "../../src/build-info.ts";
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { verifyEs256 } from "../../src/crypto/es256.ts";
import { createDrmClient } from "../../src/drm/client.ts";
import { signingString } from "../../src/drm/request-signing.ts";
import { detectPlatform } from "../../src/platform.ts";
import { generateKeyPair } from "../support/keys.ts";

interface Captured {
  method: string;
  path: string;
  headers: Headers;
  body: Uint8Array;
}
const captured: Captured[] = [];
const capture = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    captured.push({
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
    });
    return new Response("busy", { status: 503 });
  },
});
afterAll(() => capture.stop(true));

const machine = await generateKeyPair();
const machineId = crypto.randomUUID();
const NOW_MS = 1_767_225_600_123;
const client = createDrmClient({
  baseUrl: new URL(`http://127.0.0.1:${capture.port}/pre/fix`),
  machineId,
  machineSecret: machine.secret,
  orgPublicPoint: (await generateKeyPair()).point,
  softwareVersion: "4.5.6",
  backoffMs: [0],
  now: () => NOW_MS,
});
const json = (c: Captured) => JSON.parse(new TextDecoder().decode(c.body));

test("each attempt is signed afresh, under the prefix, with the spec's headers", async () => {
  captured.length = 0;
  await client.activate({ licenseKey: "LK-W", machinePublicKeyPem: machine.publicPem, platform: "LINUX_ARM64", softwareVersion: "7.0" });
  expect(captured).toHaveLength(3);
  const nonces = new Set(captured.map((c) => c.headers.get("x-sentinel-nonce")));
  expect(nonces.size).toBe(3);
  for (const c of captured) {
    expect(c.method).toBe("POST");
    expect(c.path).toBe("/pre/fix/api/v1/drm/activate/");
    expect(c.headers.get("content-type")).toBe("application/json");
    expect(c.headers.get("user-agent")).toBe(`sentinel/${VERSION} (${detectPlatform()})`);
    expect(c.headers.get("x-sentinel-machine-id")).toBe(machineId);
    expect(c.headers.get("x-sentinel-timestamp")).toBe("1767225600");
    const nonce = c.headers.get("x-sentinel-nonce") as string;
    expect(nonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const signature = decodeBase64url(c.headers.get("x-sentinel-signature") as string) as Uint8Array;
    const text = signingString({ method: "POST", path: c.path, timestamp: 1767225600, nonce, body: c.body });
    expect(await verifyEs256(signature, text, machine.point)).toBe(true);
    expect(json(c)).toEqual({
      license_key: "LK-W",
      machine_id: machineId,
      machine_public_key_pem: machine.publicPem,
      platform: "LINUX_ARM64",
      software_version: "7.0",
    });
  }
});

test("bodies of heartbeat and decommission-ack; software_version defaults to the client's", async () => {
  captured.length = 0;
  await client.heartbeat({ licenseKey: "LK-W" });
  await client.decommissionAck({ licenseKey: "LK-W" });
  expect(captured.map((c) => c.path)).toEqual([
    ...Array(3).fill("/pre/fix/api/v1/drm/heartbeat/"),
    ...Array(3).fill("/pre/fix/api/v1/drm/decommission-ack/"),
  ]);
  expect(json(captured[0] as Captured)).toEqual({ license_key: "LK-W", machine_id: machineId, software_version: "4.5.6" });
  expect(json(captured[3] as Captured)).toEqual({ license_key: "LK-W", machine_id: machineId });
});

test("activation reports this platform by default", async () => {
  captured.length = 0;
  await client.activate({ licenseKey: "LK-W", machinePublicKeyPem: machine.publicPem });
  expect(json(captured[0] as Captured).platform).toBe(detectPlatform());
});
