// The client against the reference server over loopback HTTP: every endpoint,
// seats, statuses, both decommission forms, and a path prefix end to end.
import { afterEach, describe, expect, test } from "bun:test";
import { isDecommissionRequested, type Outcome, payloadStatus } from "../../src/drm/outcome.ts";
import { type DrmFixture, startDrmFixture } from "../support/drm-fixture.ts";

let fixture: DrmFixture | null = null;
afterEach(async () => {
  await fixture?.stop();
  fixture = null;
});
async function start(options: Parameters<typeof startDrmFixture>[0] = {}): Promise<DrmFixture> {
  fixture = await startDrmFixture(options);
  return fixture;
}

function verifiedPayload(outcome: Outcome): Record<string, unknown> {
  if (outcome.class !== "verified") throw new Error(`expected verified, got ${JSON.stringify(outcome)}`);
  return outcome.payload;
}

describe("client and reference server agree", () => {
  test("activate, heartbeat: verified, with the spec's payload fields", async () => {
    const { machine, licenseKey, server } = await start({ license: { features: { tier: "pro", n: 3 } } });
    const m = await machine({ softwareVersion: "9.9.9" });
    const activation = await m.activate();
    expect(activation.class).toBe("verified");
    expect(verifiedPayload(activation)).toMatchObject({
      status: "ACTIVE",
      machine_id: m.machineId,
      license_key: licenseKey,
      heartbeat_interval_minutes: 60,
      heartbeat_grace_period_days: 7,
      features: { tier: "pro", n: 3 },
    });
    expect(activation.class === "verified" && typeof activation.respondedAt).toBe("number");
    const heartbeat = verifiedPayload(await m.heartbeat());
    expect(heartbeat).toMatchObject({ status: "ACTIVE", decommission_pending: false, machine_id: m.machineId });
    const [registered] = await server.admin.listMachines(licenseKey);
    expect(registered).toMatchObject({ machine_id: m.machineId, software_version: "9.9.9", public_key_pem: m.key.publicPem });
    expect(await server.admin.requestCounts()).toEqual({ activate: 1, heartbeat: 1 });
  });

  test("re-activating the same machine is idempotent and takes no second seat", async () => {
    const { machine, server, licenseKey } = await start({ license: { max_machines: 1 } });
    const m = await machine();
    expect((await m.activate()).class).toBe("verified");
    expect((await m.activate()).class).toBe("verified");
    expect(await server.admin.listMachines(licenseKey)).toHaveLength(1);
  });

  test("max_machines: the next machine is rejected with the server's message, once", async () => {
    const { machine, server } = await start({ license: { max_machines: 2 } });
    expect((await (await machine()).activate()).class).toBe("verified");
    expect((await (await machine()).activate()).class).toBe("verified");
    expect(await (await machine()).activate()).toEqual({
      class: "rejected",
      httpStatus: 400,
      message: "Maximum machine limit reached for this license.",
    });
    expect((await server.admin.requestCounts()).activate).toBe(3);
  });

  test("an unknown licence is rejected", async () => {
    const { machine } = await start();
    const m = await machine();
    const outcome = await m.client.activate({ licenseKey: "LK-NOPE", machinePublicKeyPem: m.key.publicPem });
    expect(outcome).toEqual({ class: "rejected", httpStatus: 404, message: "License not found." });
  });

  test("a heartbeat from a machine never activated is rejected", async () => {
    const { machine } = await start();
    expect(await (await machine()).heartbeat()).toMatchObject({ class: "rejected", httpStatus: 403 });
  });

  test.each(["REVOKED", "EXPIRED", "SUSPENDED"] as const)("licence status %s reaches heartbeats and new activations", async (status) => {
    const { machine, server, licenseKey } = await start();
    const m = await machine();
    await m.activate();
    await server.admin.setLicenseStatus(licenseKey, status);
    expect(payloadStatus(verifiedPayload(await m.heartbeat()))).toBe(status);
    expect(payloadStatus(verifiedPayload(await (await machine()).activate()))).toBe(status);
    expect(await server.admin.listMachines(licenseKey)).toHaveLength(1);
  });

  test("a licence past its expiry date answers EXPIRED", async () => {
    const { machine } = await start({ license: { expiry_date: "2020-01-01" } });
    expect(payloadStatus(verifiedPayload(await (await machine()).activate()))).toBe("EXPIRED");
  });

  test.each([
    ["status", "DECOMMISSION_PENDING"],
    ["flag", "ACTIVE"],
  ] as const)("decommission requested by %s: heartbeat asks, the ack frees the seat", async (form, status) => {
    const { machine, server, licenseKey } = await start({ license: { max_machines: 1 } });
    const m = await machine();
    await m.activate();
    await server.admin.requestDecommission(licenseKey, m.machineId, form);
    const heartbeat = verifiedPayload(await m.heartbeat());
    expect(heartbeat).toMatchObject({ status, decommission_pending: true });
    expect(isDecommissionRequested(heartbeat)).toBe(true);
    expect(verifiedPayload(await m.decommissionAck())).toMatchObject({ status: "DECOMMISSIONED", machine_id: m.machineId });
    expect((await server.admin.listMachines(licenseKey))[0]?.state).toBe("DECOMMISSIONED");
    expect((await (await machine()).activate()).class).toBe("verified");
    expect((await m.heartbeat()).class).toBe("rejected");
  });

  test("an ack nobody asked for is rejected", async () => {
    const { machine } = await start();
    const m = await machine();
    await m.activate();
    expect(await m.decommissionAck()).toMatchObject({ class: "rejected", httpStatus: 409 });
  });

  test("a path prefix works end to end (API served under /drm)", async () => {
    const { machine, server } = await start({ server: { pathPrefix: "/drm" } });
    expect(server.url.endsWith("/drm")).toBe(true);
    const m = await machine();
    expect((await m.activate()).class).toBe("verified");
    expect((await m.heartbeat()).class).toBe("verified");
    // Without the prefix there is no API: a 404 with a JSON error.
    const bare = await machine({ baseUrl: new URL(server.url.replace(/\/drm$/, "")) });
    expect(await bare.heartbeat()).toMatchObject({ class: "rejected", httpStatus: 404 });
  });

  test("a UTF-8 licence key travels and verifies intact", async () => {
    const { machine, server } = await start();
    await server.admin.createLicense({ license_key: "LK-été-🚀" });
    const m = await machine();
    const outcome = await m.client.activate({ licenseKey: "LK-été-🚀", machinePublicKeyPem: m.key.publicPem });
    expect(verifiedPayload(outcome).license_key).toBe("LK-été-🚀");
  });
});
