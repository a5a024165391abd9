// Floating seats end to end (spec 16) on the compiled test build, against the
// reference DRM server with short leases: seats taken before launch, renewed on
// the monotonic clock, lost at the local deadline, released on every exit.
import { describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MISSING_EXEC_HELPER, runSentinel } from "../support/binary.ts";
import type { RequestLogEntry } from "../support/drm-store.ts";
import { generateKeyPair } from "../support/keys.ts";
import { signedEnvelope } from "../support/mint.ts";
import { fixtureRunArgs, isAlive, readReport, type SentinelProcess, startSentinel } from "../support/sentinel-process.ts";
import type { World, WorldOptions } from "../support/standard-world.ts";
import { missingCommand, testNeeding } from "../support/system.ts";
import { waitFor } from "../support/wait-for.ts";
import { worldPerTest } from "../support/world-per-test.ts";
import { movingClock } from "./attacks/moving-clock.ts";

/** The current test's world, for the helpers below; worldPerTest stops it. */
let world: World;
const newWorld = worldPerTest();

/** A licence minute of 1.2 s: the 5 s between seat requests and renewal retries becomes 100 ms. */
const FAST_RETRY: WorldOptions = { minuteMs: 1200 };
const HOUR_MS = 3_600_000;

async function floatingWorld(seats: number, leaseSeconds: number, options: WorldOptions = {}): Promise<World> {
  const created = await newWorld({ ...options, payload: { max_concurrent: seats, ...options.payload } });
  await created.server.floating.configure(created.licenseKey, seats, leaseSeconds);
  return created;
}

/** Another instance with its own report file. */
function instance(name: string, software: string[], extra: string[] = []) {
  const report = join(world.dir, `${name}.json`);
  return { report, start: () => startSentinel(fixtureRunArgs(world.licensePath, report, software, extra), world.env) };
}

const leases = () => world.server.floating.leases(world.licenseKey);
const log =
  (endpoint: string, status = 200) =>
  async () =>
    (await world.server.admin.requestLog()).filter((entry) => entry.endpoint === endpoint && entry.http_status === status);
const renewals = log("lease-renew");

async function started(sentinel: SentinelProcess, report = world.report) {
  const seen = await waitFor(() => readReport(report) ?? (sentinel.proc.exitCode !== null && "exited"), "the software to start");
  if (seen === "exited") throw new Error(`the sentinel exited before the software started: ${sentinel.stderr()}`);
  return seen;
}

describe("seats", () => {
  test("two instances on max_concurrent 1: the second exits 75 with the server's message, never launching", async () => {
    world = await floatingWorld(1, 30);
    const first = await world.start(["wait"]);
    const seen = await started(first);
    expect(seen.answers[3]).toMatchObject({
      state: { floating: { seats_used: 1, seats_total: 1, lease_expires_at: expect.stringMatching(/Z$/) } },
    });
    const second = instance("second", ["exit", "0"]);
    const refused = await runSentinel(fixtureRunArgs(world.licensePath, second.report, ["exit", "0"]), { env: world.env });
    expect(refused.exitCode).toBe(75);
    expect(refused.stderr).toContain("All 1 concurrent seats are in use.");
    expect(existsSync(second.report)).toBe(false);
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(42);
    expect(await leases()).toEqual([]);
  });

  test("--wait-for-seat: the second waits, showing the seats in use, and starts within 5 s of the first exiting", async () => {
    world = await floatingWorld(1, 30);
    const first = await world.start(["wait"]);
    await started(first);
    const second = instance("second", ["exit", "0"], ["--wait-for-seat", "60"]);
    const waiting = await second.start();
    await waitFor(() => waiting.stderr().includes("waiting for a floating seat (1/1 in use)"), "the waiting line");
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(42);
    const firstGone = Date.now();
    expect(await waiting.exited).toBe(0);
    const granted = (await log("lease")()).map((entry) => entry.at);
    expect(granted).toHaveLength(2);
    // Spec 16.2: asked every 5 s (send to send), and the first's seat released before it exited;
    // the allowance is the one request in flight, which the server logs when it has answered.
    expect((granted[1] as number) - firstGone).toBeLessThan(5000 + 250);
    expect(readReport(second.report)).toBeDefined();
  });

  test("--wait-for-seat that runs out exits 75", async () => {
    world = await floatingWorld(1, 30, FAST_RETRY);
    const first = await world.start(["wait"]);
    await started(first);
    const report = join(world.dir, "second.json");
    const result = await runSentinel(fixtureRunArgs(world.licensePath, report, ["exit", "0"], ["--wait-for-seat", "1"]), {
      env: world.env,
    });
    expect(result.exitCode).toBe(75);
    expect(result.stderr).toContain("waiting for a floating seat (1/1 in use)");
    expect((await log("lease", 409)()).length).toBeGreaterThan(2);
    expect(existsSync(report)).toBe(false);
    first.proc.kill("SIGTERM");
    await first.exited;
  });

  test("never on grace: with the server down the start is refused with 69 and the software never launched", async () => {
    world = await floatingWorld(1, 30);
    expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    rmSync(world.report);
    const offline = await world.run(["exit", "0"], ["--server-url", "http://127.0.0.1:9"]);
    expect(offline.exitCode).toBe(69);
    expect(offline.stderr).toContain("server unreachable, running on grace");
    expect(offline.stderr).toContain("floating seat lease failed: DRM server unreachable");
    expect(existsSync(world.report)).toBe(false);
  });

  test("a lease refused otherwise (the server does not float this licence): 77 with the server's message", async () => {
    world = await newWorld({ payload: { max_concurrent: 2 } });
    const result = await world.run(["exit", "0"]);
    expect(result.exitCode).toBe(77);
    expect(result.stderr).toContain("floating seat refused: License is not a floating license.");
    expect(existsSync(world.report)).toBe(false);
  });

  test.each(["abc", "-1", "604801", ""])("--wait-for-seat %p is a usage error (64)", async (value) => {
    const result = await runSentinel(["run", "--license", "x.lic", "--software", "/bin/true", `--wait-for-seat=${value}`]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain(`invalid --wait-for-seat: ${value} (expected seconds from 0 to 604800)`);
  });

  test("a non-floating licence: no lease call, get_status floating is null", async () => {
    world = await newWorld();
    expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    expect(readReport(world.report)?.answers[3]).toMatchObject({ state: { floating: null } });
    expect((await world.server.admin.requestLog()).map((entry) => entry.endpoint)).toEqual(["activate", "heartbeat"]);
  });
});

describe("release on every exit path", () => {
  const releasedOnce = async () => expect(await log("lease-release")()).toHaveLength(1);

  test("the software exiting on its own: released at once, its status kept", async () => {
    world = await floatingWorld(1, 300);
    expect((await world.run(["exit", "3"])).exitCode).toBe(3);
    await releasedOnce();
    expect(await leases()).toEqual([]);
  });

  test("SIGINT to the sentinel: the software stopped, then the seat released", async () => {
    world = await floatingWorld(1, 300);
    const sentinel = await world.start(["wait"]);
    const seen = await started(sentinel);
    sentinel.proc.kill("SIGINT");
    expect(await sentinel.exited).toBe(42);
    expect(isAlive(seen.pid)).toBe(false);
    await releasedOnce();
    expect(await leases()).toEqual([]);
  });

  test("stopped for a licence reason (REVOKED in a heartbeat, the lease not yet due): 77, seat released", async () => {
    // Heartbeats every 1.2 s; the 300 s lease would not be renewed for 150 s.
    world = await floatingWorld(1, 300, { minuteMs: 20, license: { heartbeat_interval_minutes: 60 } });
    const sentinel = await world.start(["wait"]);
    await started(sentinel);
    await world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
    expect(await sentinel.exited).toBe(77);
    expect(sentinel.stderr()).toContain("license has been revoked");
    expect(await renewals()).toEqual([]);
    await releasedOnce();
    expect(await leases()).toEqual([]);
  });

  testNeeding(
    MISSING_EXEC_HELPER,
    "a SIGKILLed sentinel: its software dies with it, and its seat comes back after the lease length",
    async () => {
      world = await floatingWorld(1, 4);
      const sentinel = await world.start(["wait"]);
      const seen = await started(sentinel);
      sentinel.proc.kill("SIGKILL");
      await sentinel.exited;
      await waitFor(() => !isAlive(seen.pid), "the software to die with its sentinel");
      expect(await leases()).toHaveLength(1);
      const refused = await runSentinel(fixtureRunArgs(world.licensePath, join(world.dir, "b.json"), ["exit", "0"]), { env: world.env });
      expect(refused.exitCode).toBe(75);
      await waitFor(async () => (await leases()).length === 0, "the lease to expire", 8000);
      expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    },
  );
});

describe("renewals", () => {
  /** When the last verified renewal was sent, on the test's clock (the server runs in this process). */
  const lastRenewal = async () => ((await renewals()).at(-1) as RequestLogEntry).at;

  test("the server goes away: the software is stopped at the local deadline, 69 `floating seat lost`", async () => {
    world = await floatingWorld(1, 2, FAST_RETRY);
    const sentinel = await world.start(["wait"]);
    const seen = await started(sentinel);
    await waitFor(async () => (await renewals()).length >= 1, "a renewal");
    await world.server.admin.injectFault({ kind: "drop" }, 100_000);
    const renewed = await lastRenewal();
    expect(await sentinel.exited).toBe(69);
    const stoppedAfter = Date.now() - renewed;
    expect(sentinel.stderr()).toContain("floating seat lost");
    expect(isAlive(seen.pid)).toBe(false);
    // Not before the 2 s the last verified renewal granted (it arrived after it was logged).
    expect(stoppedAfter).toBeGreaterThanOrEqual(2000);
  });

  test("the server comes back before the deadline: the software keeps running", async () => {
    world = await floatingWorld(1, 8, FAST_RETRY);
    const sentinel = await world.start(["wait"]);
    await started(sentinel);
    // One whole renewal call fails (three attempts), then the retry gets through.
    await world.server.admin.injectFault({ kind: "drop" }, 3);
    await waitFor(() => sentinel.stderr().includes("floating seat renewal missed"), "a missed renewal", 10_000);
    await waitFor(async () => (await renewals()).length >= 2, "renewals after the outage", 15_000);
    expect(sentinel.proc.exitCode).toBeNull();
    sentinel.proc.kill("SIGTERM");
    expect(await sentinel.exited).toBe(42);
    expect(sentinel.stderr()).not.toContain("floating seat lost");
  }, 30_000);

  test("a forged REVOKED renewal is a miss, never obeyed; the next genuine one keeps the seat", async () => {
    world = await floatingWorld(1, 3, FAST_RETRY);
    const sentinel = await world.start(["wait"]);
    await started(sentinel);
    // One attempt answered by the forgery; the client's next attempt gets the genuine answer.
    const forged = await signedEnvelope({ status: "REVOKED", license_key: world.licenseKey }, (await generateKeyPair()).secret);
    await world.server.admin.injectFault({ kind: "raw", status: 200, body: forged }, 1);
    await waitFor(() => sentinel.stderr().includes("failed verification"), "the forged answer");
    const before = (await renewals()).length;
    await waitFor(async () => (await renewals()).length >= before + 2, "genuine renewals after it");
    expect(sentinel.proc.exitCode).toBeNull();
    expect(sentinel.stderr()).toContain("signature check");
    expect(sentinel.stderr()).not.toContain("revoked");
    sentinel.proc.kill("SIGTERM");
    expect(await sentinel.exited).toBe(42);
  });

  test("replayed LEASED answers never extend the lease: stopped at the deadline, 69", async () => {
    world = await floatingWorld(1, 2, FAST_RETRY);
    const sentinel = await world.start(["wait"]);
    await started(sentinel);
    await waitFor(async () => (await renewals()).length >= 1, "a genuine renewal to replay");
    await world.server.admin.injectFault({ kind: "replay" }, 100_000);
    expect(await sentinel.exited).toBe(69);
    expect(sentinel.stderr()).toContain("request_nonce check");
    expect(sentinel.stderr()).toContain("floating seat lost");
  });

  test("REVOKED in a verified renewal: stopped, 77, seat freed", async () => {
    world = await floatingWorld(1, 2);
    const sentinel = await world.start(["wait"]);
    const seen = await started(sentinel);
    await world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
    expect(await sentinel.exited).toBe(77);
    expect(sentinel.stderr()).toContain("license has been revoked");
    expect(isAlive(seen.pid)).toBe(false);
    expect(await leases()).toEqual([]);
  });
});

testNeeding(
  missingCommand("faketime", "faketime"),
  "the wall clock moved forward and back by hours while a lease is held: renewals and the deadline keep to the monotonic clock",
  async () => {
    // The server keeps the true time; it admits the moved clock's request timestamps, as a lenient backend would.
    let offsetMs = 0;
    world = await floatingWorld(1, 3, { ...FAST_RETRY, requestClock: () => Date.now() + offsetMs });
    const clock = movingClock(join(world.dir, "clock-offset"));
    const move = (ms: number) => {
      clock.set(ms);
      offsetMs = ms;
    };
    const sentinel = await startSentinel(fixtureRunArgs(world.licensePath, world.report, ["wait"]), world.env, clock.wrapper);
    await started(sentinel);
    const renewedSince = async (count: number, what: string) => {
      const before = (await renewals()).length;
      await waitFor(async () => (await renewals()).length >= before + count, what);
      expect(sentinel.proc.exitCode).toBeNull();
    };
    await renewedSince(1, "a renewal");
    // Six hours ahead: a deadline judged by the wall clock would have passed long ago.
    move(6 * HOUR_MS);
    await renewedSince(3, "renewals with the clock six hours ahead");
    // Six hours behind: a renewal judged by the wall clock would not be due for hours.
    move(-6 * HOUR_MS);
    await renewedSince(3, "renewals with the clock six hours behind");
    // The server goes away: the seat is lost at the monotonic deadline, not hours off.
    await world.server.admin.injectFault({ kind: "drop" }, 100_000);
    const renewed = ((await renewals()).at(-1) as RequestLogEntry).at;
    expect(await sentinel.exited).toBe(69);
    expect(sentinel.stderr()).toContain("floating seat lost");
    expect(Date.now() - renewed).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - renewed).toBeLessThan(30_000);
  },
  60_000,
);

test("activate --offline-request with a floating licence exits 64: floating licences need the DRM server", async () => {
  world = await floatingWorld(1, 30);
  const request = join(world.dir, "request.json");
  const result = await runSentinel(["activate", "--license", world.licensePath, "--offline-request", request], { env: world.env });
  expect(result.stderr).toContain("floating licenses need the DRM server");
  expect(result.exitCode).toBe(64);
  expect(existsSync(request)).toBe(false);
});
