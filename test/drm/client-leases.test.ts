// Floating seats between the real client and the reference server (spec 16.1):
// leases per session, seats counted from unexpired leases, release and expiry,
// LEASE_LOST, the refusals, faults on the new endpoints. The server's clock is injected.
import { afterEach, describe, expect, test } from "bun:test";
import type { Outcome } from "../../src/drm/outcome.ts";
import { verifyResponse } from "../../src/drm/response.ts";
import { type DrmFixture, startDrmFixture, type TestMachine } from "../support/drm-fixture.ts";
import { generateKeyPair } from "../support/keys.ts";
import { signedEnvelope } from "../support/mint.ts";

let fixture: DrmFixture | null = null;
afterEach(async () => {
  await fixture?.stop();
  fixture = null;
});

let clockMs = Date.parse("2026-03-01T10:00:00.250Z");
async function start(seats: number | null, leaseSeconds = 60) {
  clockMs = Date.parse("2026-03-01T10:00:00.250Z");
  fixture = await startDrmFixture({ server: { now: () => clockMs } });
  if (seats !== null) await fixture.server.floating.configure(fixture.licenseKey, seats, leaseSeconds);
  return fixture;
}

async function activated(f: DrmFixture) {
  const machine = await f.machine({ now: () => clockMs });
  expect((await machine.activate()).class).toBe("verified");
  return machine;
}

const seat = (machine: TestMachine, licenseKey: string, sessionId = crypto.randomUUID()) => {
  const input = { licenseKey, sessionId };
  return {
    sessionId,
    lease: () => machine.client.lease(input),
    renew: () => machine.client.renewLease(input),
    release: () => machine.client.releaseLease(input),
  };
};

function payloadOf(outcome: Outcome): Record<string, unknown> {
  if (outcome.class !== "verified") throw new Error(`expected verified, got ${JSON.stringify(outcome)}`);
  return outcome.payload;
}

describe("leases on the reference server", () => {
  test("lease: verified LEASED with the session, expiry, seats; a second session on one seat gets 409", async () => {
    const f = await start(1, 120);
    const machine = await activated(f);
    const first = seat(machine, f.licenseKey);
    expect(payloadOf(await first.lease())).toMatchObject({
      status: "LEASED",
      session_id: first.sessionId,
      machine_id: machine.machineId,
      license_key: f.licenseKey,
      lease_expires_at: "2026-03-01T10:02:00Z",
      responded_at: "2026-03-01T10:00:00Z",
      seats_used: 1,
      seats_total: 1,
    });
    expect(await seat(machine, f.licenseKey).lease()).toEqual({
      class: "rejected",
      httpStatus: 409,
      message: "All 1 concurrent seats are in use.",
    });
  });

  test("the lease length defaults to 300 s", async () => {
    const f = await start(null);
    await f.server.floating.configure(f.licenseKey, 1);
    const machine = await activated(f);
    expect(payloadOf(await seat(machine, f.licenseKey).lease())).toMatchObject({ lease_expires_at: "2026-03-01T10:05:00Z" });
  });

  test("renew extends from now; release frees the seat at once; a renewal after release is LEASE_LOST", async () => {
    const f = await start(1, 60);
    const machine = await activated(f);
    const first = seat(machine, f.licenseKey);
    await first.lease();
    clockMs += 30_000;
    expect(payloadOf(await first.renew())).toMatchObject({ status: "LEASED", lease_expires_at: "2026-03-01T10:01:30Z" });
    expect(payloadOf(await first.release())).toMatchObject({ status: "RELEASED", session_id: first.sessionId });
    expect(await f.server.floating.leases(f.licenseKey)).toEqual([]);
    expect(payloadOf(await seat(machine, f.licenseKey).lease())).toMatchObject({ status: "LEASED", seats_used: 1 });
    expect(payloadOf(await first.renew())).toMatchObject({ status: "LEASE_LOST" });
  });

  test("expiry frees the seat; the expired session's renewal is LEASE_LOST", async () => {
    const f = await start(2, 60);
    const machine = await activated(f);
    const [a, b] = [seat(machine, f.licenseKey), seat(machine, f.licenseKey)];
    await a.lease();
    clockMs += 40_000;
    expect(payloadOf(await b.lease())).toMatchObject({ seats_used: 2 });
    clockMs += 21_000;
    expect(await f.server.floating.leases(f.licenseKey)).toHaveLength(1);
    expect(payloadOf(await a.renew())).toMatchObject({ status: "LEASE_LOST" });
    expect(payloadOf(await seat(machine, f.licenseKey).lease())).toMatchObject({ status: "LEASED", seats_used: 2 });
  });

  test("a licence that is not ACTIVE: lease 400 `License is <STATUS>.`; renewal answers the status and frees the seat", async () => {
    const f = await start(1);
    const machine = await activated(f);
    const first = seat(machine, f.licenseKey);
    await first.lease();
    await f.server.admin.setLicenseStatus(f.licenseKey, "REVOKED");
    expect(await seat(machine, f.licenseKey).lease()).toEqual({ class: "rejected", httpStatus: 400, message: "License is REVOKED." });
    expect(payloadOf(await first.renew())).toMatchObject({ status: "REVOKED", session_id: first.sessionId });
    expect(await f.server.floating.leases(f.licenseKey)).toEqual([]);
  });

  test("a decommissioned machine's seats are freed with it (it can no longer sign a release)", async () => {
    const f = await start(1);
    const machine = await activated(f);
    await seat(machine, f.licenseKey).lease();
    await f.server.admin.requestDecommission(f.licenseKey, machine.machineId);
    expect(payloadOf(await machine.decommissionAck())).toMatchObject({ status: "DECOMMISSIONED" });
    expect(await f.server.floating.leases(f.licenseKey)).toEqual([]);
  });

  test("a licence without max_concurrent: 400 `License is not a floating license.`", async () => {
    const f = await start(null);
    const machine = await activated(f);
    expect(await seat(machine, f.licenseKey).lease()).toEqual({
      class: "rejected",
      httpStatus: 400,
      message: "License is not a floating license.",
    });
  });

  test("faults reach the new endpoints: a 502 on every attempt is unreachable, each attempt logged", async () => {
    const f = await start(1);
    const machine = await activated(f);
    await f.server.admin.clearRequestLog();
    await f.server.admin.injectFault({ kind: "http-502-json" }, 3);
    expect((await seat(machine, f.licenseKey).lease()).class).toBe("unreachable");
    expect(await f.server.admin.requestCounts()).toEqual({ lease: 3 });
  });
});

const org = await generateKeyPair();

describe("security: answers bound to the session", () => {
  const expected = { orgPublicPoint: org.point, nonce: "n-1", machineId: "m-1", licenseKey: "LK-1", sessionId: "s-1" };
  const body = async (payload: Record<string, unknown>) =>
    new TextEncoder().encode(
      await signedEnvelope({ request_nonce: "n-1", machine_id: "m-1", license_key: "LK-1", ...payload }, org.secret),
    );

  test("another session's answer fails the session_id check", async () => {
    expect(await verifyResponse(await body({ session_id: "s-2", status: "LEASED" }), expected)).toEqual({
      ok: false,
      failed: "session_id",
    });
  });
  test("this session's answer is verified", async () => {
    expect((await verifyResponse(await body({ session_id: "s-1", status: "LEASED" }), expected)).ok).toBe(true);
  });
});
