// Bad server output and broken transports never crash the client: each ends as an
// `unreachable` outcome value, and oversized bodies are cut at 1 MiB, not buffered.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDrmClient } from "../../src/drm/client.ts";
import { log } from "../../src/log.ts";
import type { Fault } from "../support/drm-faults.ts";
import { type DrmFixture, startDrmFixture, type TestMachine } from "../support/drm-fixture.ts";
import { generateKeyPair } from "../support/keys.ts";
import { testNeeding } from "../support/system.ts";
import { MISSING_OPENSSL } from "../support/test-ca.ts";

let fixture: DrmFixture;
let machine: TestMachine;
const savedLevel = log.level;
beforeAll(async () => {
  log.level = 0; // errors only: the verification warnings are asserted in client-faults.test.ts
  fixture = await startDrmFixture();
  machine = await fixture.machine({ retries: 0 });
  expect((await machine.activate()).class).toBe("verified");
});
afterAll(async () => {
  log.level = savedLevel;
  await fixture.stop();
});

const MIB = 1024 * 1024;
const ok200 = (body: string): Fault => ({ kind: "raw", status: 200, body });

describe("security: hostile server output", () => {
  test.each([
    ["truncated JSON", ok200('{"payload": "eyJzdGF0dXMiOiJBQ1RJVkUifQ", "sig": "MEU'), "envelope"],
    ["a JSON array", ok200('[{"payload": "x", "sig": "y"}]'), "envelope"],
    ["an envelope with numbers for strings", ok200('{"payload": 12, "sig": 34}'), "envelope"],
    ["an empty 200", ok200(""), "envelope"],
    ["a 100 MB stream", { kind: "huge-body", bytes: 100 * MIB, streamed: true }, "size"],
    ["an endless stream", { kind: "huge-body", bytes: 1e15, streamed: true }, "size"],
    ["a 5 MiB body with its length declared", { kind: "huge-body", bytes: 5 * MIB }, "size"],
  ] as [string, Fault, string][])("%s → unreachable (%s check)", async (_name, fault, check) => {
    await fixture.server.admin.injectFault(fault);
    expect(await machine.heartbeat()).toEqual({ class: "unreachable", reason: `response failed verification (${check})` });
  });

  test("a 4xx error body past 1 MiB is cut and unreachable", async () => {
    await fixture.server.admin.injectFault({ kind: "raw", status: 400, body: `{"error":"${"x".repeat(MIB)}"}` });
    expect(await machine.heartbeat()).toEqual({ class: "unreachable", reason: "HTTP 400 without a JSON error" });
  });

  test("a slow drip past a short timeout is cut by the timeout", async () => {
    const impatient = await fixture.machine({
      machineId: machine.machineId,
      machineSecret: machine.key.secret,
      timeoutMs: 300,
      retries: 0,
    });
    await fixture.server.admin.injectFault({ kind: "slow-drip", intervalMs: 50 });
    expect(await impatient.heartbeat()).toEqual({ class: "unreachable", reason: "no complete response within 300 ms" });
  });
});

describe("broken transports", () => {
  const clientFor = async (baseUrl: string) => {
    const key = await generateKeyPair();
    return createDrmClient({
      baseUrl: new URL(baseUrl),
      machineId: crypto.randomUUID(),
      machineSecret: key.secret,
      orgPublicPoint: fixture.server.orgPublicPoint,
      retries: 0,
      timeoutMs: 5000,
    });
  };

  test("a refused connection is unreachable", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const url = `http://127.0.0.1:${closed.port}`;
    await closed.stop(true);
    expect(await (await clientFor(url)).heartbeat({ licenseKey: "LK" })).toEqual({
      class: "unreachable",
      reason: "connection failed (ECONNREFUSED)",
    });
  });

  testNeeding(MISSING_OPENSSL, "an untrusted TLS certificate is unreachable, not accepted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "drm-tls-"));
    try {
      const openssl = Bun.spawnSync(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
          .concat(["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-subj", "/CN=127.0.0.1"])
          .concat(["-addext", "subjectAltName=IP:127.0.0.1"]),
        { stderr: "pipe" },
      );
      expect(openssl.exitCode).toBe(0);
      const tls = { cert: Bun.file(join(dir, "cert.pem")), key: Bun.file(join(dir, "key.pem")) };
      const server = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        tls,
        fetch: () => Response.json({ error: "should never be read" }, { status: 403 }),
      });
      try {
        const outcome = await (await clientFor(`https://127.0.0.1:${server.port}`)).heartbeat({ licenseKey: "LK" });
        expect(outcome.class).toBe("unreachable");
        expect(outcome.class === "unreachable" && outcome.reason).toBe(
          "TLS failure: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
        );
      } finally {
        await server.stop(true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
