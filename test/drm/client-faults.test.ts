// Every injected fault lands in the class spec 4.3 gives it, with the attempts
// counted at the server: 3 for unreachable (two retries), 1 for rejected or verified.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { ConsolaReporter } from "consola/core";
import { createDrmClient } from "../../src/drm/client.ts";
import { log } from "../../src/log.ts";
import type { Fault } from "../support/drm-faults.ts";
import { type DrmFixture, startDrmFixture, type TestMachine } from "../support/drm-fixture.ts";
import { startDrmServer } from "../support/drm-server.ts";
import { waitFor } from "../support/wait-for.ts";

let fixture: DrmFixture;
let machine: TestMachine;
/** Short deadline for the timeout cases; no backoff so the three attempts run back to back. */
let impatient: TestMachine;
const warnings: string[] = [];
const reporter: ConsolaReporter = { log: (entry) => void (entry.type === "warn" && warnings.push(entry.args.join(" "))) };

beforeAll(async () => {
  fixture = await startDrmFixture();
  machine = await fixture.machine();
  expect((await machine.activate()).class).toBe("verified");
  impatient = await fixture.machine({ machineId: machine.machineId, machineSecret: machine.key.secret, timeoutMs: 300 });
  log.addReporter(reporter);
});
afterAll(async () => {
  log.removeReporter(reporter);
  await fixture.stop();
});
beforeEach(async () => {
  warnings.length = 0;
  await fixture.server.admin.clearFaults();
  await fixture.server.admin.clearRequestLog();
});

const heartbeats = async () => (await fixture.server.admin.requestCounts()).heartbeat ?? 0;

async function expectHeartbeat(fault: Fault, cls: string, attempts: number, who: TestMachine = machine) {
  await fixture.server.admin.injectFault(fault, 3);
  const outcome = await who.heartbeat();
  expect(outcome.class).toBe(cls as never);
  // Delayed requests are logged when the server finishes them, after the client gave up.
  await waitFor(async () => (await heartbeats()) >= attempts, `${attempts} heartbeat requests`);
  expect(await heartbeats()).toBe(attempts);
  return outcome;
}

describe("faults → outcome classes, with retries observed at the server", () => {
  test.each([
    [{ kind: "http-500-html" }],
    [{ kind: "http-502-json" }],
    [{ kind: "drop" }],
    [{ kind: "unsigned-200" }],
    [{ kind: "huge-body" }],
    [{ kind: "huge-body", streamed: true }],
    [{ kind: "raw", status: 404, body: "<h1>not found</h1>", contentType: "text/html" }],
  ] as [Fault][])("%o → unreachable after 3 attempts", async (fault) => {
    await expectHeartbeat(fault, "unreachable", 3);
  });

  test("400 with a JSON error → rejected, the message kept, not retried", async () => {
    const outcome = await expectHeartbeat({ kind: "http-400-json", message: "Injected refusal." }, "rejected", 1);
    expect(outcome).toEqual({ class: "rejected", httpStatus: 400, message: "Injected refusal." });
  });

  test.each([
    ["bad-signature", "signature"],
    ["wrong-nonce", "request_nonce"],
    ["replay", "request_nonce"],
  ] as const)("%s → unreachable after 3 attempts, warning names the %s check", async (kind, check) => {
    expect((await machine.heartbeat()).class).toBe("verified"); // something to replay
    await fixture.server.admin.clearRequestLog();
    const outcome = await expectHeartbeat({ kind }, "unreachable", 3);
    expect(outcome).toEqual({ class: "unreachable", reason: `response failed verification (${check})` });
    expect(warnings).toHaveLength(3);
    for (const warning of warnings) expect(warning).toContain(`${check} check`);
  });

  test("redirect → unreachable after 3 attempts, never followed", async () => {
    const elsewhere = await startDrmServer();
    try {
      const location = `${elsewhere.url}/api/v1/drm/heartbeat/`;
      const outcome = await expectHeartbeat({ kind: "redirect", location }, "unreachable", 3);
      expect(outcome).toEqual({ class: "unreachable", reason: "HTTP 302 redirect (not followed)" });
      expect(await elsewhere.admin.requestLog()).toEqual([]);
    } finally {
      await elsewhere.stop();
    }
  });

  test("a delay past the timeout → unreachable after 3 attempts", async () => {
    const outcome = await expectHeartbeat({ kind: "delay", ms: 700 }, "unreachable", 3, impatient);
    expect(outcome).toEqual({ class: "unreachable", reason: "no complete response within 300 ms" });
  });

  test("a delay within the timeout → verified, one attempt", async () => {
    await expectHeartbeat({ kind: "delay", ms: 50 }, "verified", 1);
  });

  test("a slow drip past the timeout → unreachable after 3 attempts", async () => {
    const outcome = await expectHeartbeat({ kind: "slow-drip", intervalMs: 100 }, "unreachable", 3, impatient);
    expect(outcome).toEqual({ class: "unreachable", reason: "no complete response within 300 ms" });
  });

  test("only the final outcome counts: two failures then a verified answer", async () => {
    await fixture.server.admin.injectFault({ kind: "http-500-html" }, 2);
    expect((await machine.heartbeat()).class).toBe("verified");
    expect(await heartbeats()).toBe(3);
  });

  test("activation and decommission-ack retry the same way", async () => {
    await fixture.server.admin.injectFault({ kind: "drop" }, 6);
    expect((await machine.activate()).class).toBe("unreachable");
    expect((await machine.decommissionAck()).class).toBe("unreachable");
    expect(await fixture.server.admin.requestCounts()).toEqual({ activate: 3, "decommission-ack": 3 });
  });

  test("backoff between attempts is 500 ms then 1500 ms by default", async () => {
    const pauses: number[] = [];
    const client = createDrmClient({
      baseUrl: new URL(fixture.server.url),
      machineId: machine.machineId,
      machineSecret: machine.key.secret,
      orgPublicPoint: fixture.server.orgPublicPoint,
      sleep: async (ms) => void pauses.push(ms),
    });
    await fixture.server.admin.injectFault({ kind: "http-502-json" }, 3);
    expect((await client.heartbeat({ licenseKey: fixture.licenseKey })).class).toBe("unreachable");
    expect(pauses).toEqual([500, 1500]);
  });
});
