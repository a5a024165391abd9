// The STANDARD flow end to end (spec 8.2–8.4, 8.7) on the compiled test build,
// against the reference DRM server on loopback, with short licence minutes.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runSentinel } from "../support/binary.ts";
import { isAlive, readReport, startSentinel } from "../support/sentinel-process.ts";
import { endpointsSeen } from "../support/standard-world.ts";
import { waitFor } from "../support/wait-for.ts";
import { worldPerTest } from "../support/world-per-test.ts";

const newWorld = worldPerTest();

const DAY = 86_400;
const HALF_DAY = 43_200;

/** A port nothing listens on: the server is down. */
const DEAD_SERVER = ["--server-url", "http://127.0.0.1:9"];

describe("activation and the startup heartbeat", () => {
  test("first start activates, heartbeats, then launches; a second start heartbeats first without activating", async () => {
    const world = await newWorld();
    const first = await world.run(["exit", "0"]);
    expect(first.exitCode).toBe(0);
    expect(await endpointsSeen(world)).toEqual(["activate", "heartbeat"]);
    expect(readReport(world.report)?.answers[3]).toMatchObject({
      state: { license_type: "STANDARD", online: true, grace_remaining_seconds: DAY },
    });
    const state = await world.status();
    expect(state).toMatchObject({
      activated: true,
      license_key: world.licenseKey,
      grace_remaining_seconds: DAY,
      grace_exhausted: false,
      keystore: "file",
    });
    const second = await world.run(["exit", "0"]);
    expect(second.exitCode).toBe(0);
    expect(await endpointsSeen(world)).toEqual(["activate", "heartbeat", "heartbeat"]);
    expect((await world.status())?.machine_id).toBe(state?.machine_id);
  });

  test("activation refused (max machines) exits 77 with the server's message", async () => {
    const world = await newWorld({ license: { max_machines: 1 } });
    expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    const other = await runSentinel(["run", "--license", world.licensePath, "--software", "/bin/true"], {
      env: { ...world.env, SENTINEL_STATE_DIR: join(world.dir, "other-machine") },
    });
    expect(other.exitCode).toBe(77);
    expect(other.stderr).toContain("Maximum machine limit reached for this license.");
  });

  test("activation with the server down exits 69, never on grace", async () => {
    const world = await newWorld();
    const result = await world.run(["exit", "0"], DEAD_SERVER);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain("activation failed: DRM server unreachable");
    expect(existsSync(world.report)).toBe(false);
  });

  test("--server-url missing for a licence without server_url exits 64", async () => {
    const world = await newWorld();
    const path = await world.mint({ server_url: undefined }, "no-url.lic");
    const result = await runSentinel(["run", "--license", path, "--software", "/bin/true"], { env: world.env });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("--server-url is required for STANDARD licenses");
  });

  test("an http:// server URL to a remote host is refused with 64", async () => {
    const world = await newWorld();
    const result = await world.run(["exit", "0"], ["--server-url", "http://drm.example.com"]);
    expect(result.exitCode).toBe(64);
  });
});

describe("grace", () => {
  test("the server down at startup: runs on grace consuming one interval each start, then refuses with 69", async () => {
    const world = await newWorld();
    expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    const offline1 = await world.run(["exit", "0"], DEAD_SERVER);
    expect(offline1.exitCode).toBe(0);
    expect(offline1.stderr).toContain("server unreachable, running on grace");
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY, grace_exhausted: false });
    expect((await world.run(["exit", "0"], DEAD_SERVER)).exitCode).toBe(0);
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true });
    const refused = await world.run(["exit", "0"], DEAD_SERVER);
    expect(refused.exitCode).toBe(69);
    expect(refused.stderr).toContain("server unreachable and grace period exhausted — cannot start");
    // Online again: it runs, and the quota is not restored.
    expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true });
  });

  test("a successful heartbeat keeps the remaining grace unchanged", async () => {
    const world = await newWorld();
    await world.run(["exit", "0"]);
    await world.run(["exit", "0"], DEAD_SERVER);
    await world.run(["exit", "0"]);
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY, grace_exhausted: false });
  });

  test("misses in the loop (4xx, unsigned 200, outage) consume grace until the software is stopped with 69", async () => {
    const world = await newWorld({ minuteMs: 1 });
    const sentinel = await world.start(["wait"]);
    await waitFor(() => readReport(world.report), "the software to start");
    await world.server.admin.injectFault({ kind: "http-400-json", message: "nope" }, 1);
    await world.server.admin.injectFault({ kind: "unsigned-200" }, 3);
    expect(await sentinel.exited).toBe(69);
    expect(sentinel.stderr()).toContain("grace period exhausted — shutting down");
    expect(isAlive(readReport(world.report)?.pid as number)).toBe(false);
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true });
  });

  test("once exhausted, a single miss after successful heartbeats stops the software", async () => {
    const world = await newWorld();
    await world.run(["exit", "0"]);
    await world.run(["exit", "0"], DEAD_SERVER);
    await world.run(["exit", "0"], DEAD_SERVER);
    expect(await world.status()).toMatchObject({ grace_exhausted: true });
    const fast = { ...world.env, SENTINEL_TEST_MINUTE_MS: "2" };
    const sentinel = await startSentinel(
      ["run", "--license", world.licensePath, "--software", join(import.meta.dir, "fixtures/software.sh"), "--", world.report, "wait"],
      fast,
    );
    await waitFor(async () => ((await world.server.admin.requestCounts()).heartbeat ?? 0) >= 6, "heartbeats to succeed");
    await world.server.admin.injectFault({ kind: "http-400-json" }, 1);
    expect(await sentinel.exited).toBe(69);
  });

  test("a bad signature or a wrong nonce is never obeyed: a forged REVOKED is a miss", async () => {
    const world = await newWorld({ minuteMs: 1 });
    const sentinel = await world.start(["wait"]);
    await waitFor(() => readReport(world.report), "the software to start");
    await world.server.admin.injectFault({ kind: "bad-signature" }, 2);
    await world.server.admin.injectFault({ kind: "wrong-nonce" }, 1);
    await world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
    expect(await sentinel.exited).toBe(77);
    expect(sentinel.stderr()).toContain("response failed verification");
    expect(sentinel.stderr()).toContain("license has been revoked");
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY });
  });
});

describe("verdicts from the server", () => {
  test.each([
    ["REVOKED", "license has been revoked"],
    ["EXPIRED", "license has expired"],
    ["SUSPENDED", "license is suspended — contact your vendor"],
  ] as const)("%s at startup: never launched, 77", async (status, message) => {
    const world = await newWorld();
    await world.run(["exit", "0"]);
    await world.server.admin.setLicenseStatus(world.licenseKey, status);
    const result = await world.run(["exit", "0"], []);
    expect(result.exitCode).toBe(77);
    expect(result.stderr).toContain(message);
  });

  test.each([
    ["REVOKED", "license has been revoked"],
    ["SUSPENDED", "license is suspended — contact your vendor"],
  ] as const)("%s mid-run: stopped, 77", async (status, message) => {
    const world = await newWorld({ minuteMs: 5 });
    const sentinel = await world.start(["wait"]);
    const seen = await waitFor(() => readReport(world.report), "the software to start");
    await world.server.admin.setLicenseStatus(world.licenseKey, status);
    expect(await sentinel.exited).toBe(77);
    expect(sentinel.stderr()).toContain(message);
    expect(isAlive(seen.pid)).toBe(false);
  });

  test.each(["status", "flag"] as const)("decommission (%s form): acknowledged, state deleted, 77", async (form) => {
    const world = await newWorld({ minuteMs: 5 });
    const sentinel = await world.start(["wait"]);
    await waitFor(() => readReport(world.report), "the software to start");
    const machineId = (await world.status())?.machine_id as string;
    await world.server.admin.requestDecommission(world.licenseKey, machineId, form);
    expect(await sentinel.exited).toBe(77);
    expect(sentinel.stderr()).toContain("machine decommissioned");
    expect(await endpointsSeen(world)).toContain("decommission-ack");
    expect((await world.server.admin.listMachines(world.licenseKey))[0]?.state).toBe("DECOMMISSIONED");
    expect(await world.status()).toBeNull();
  });

  test("a licence-key change re-activates with full grace and the same machine id", async () => {
    const world = await newWorld();
    await world.run(["exit", "0"]);
    await world.run(["exit", "0"], DEAD_SERVER);
    const before = await world.status();
    const newKey = `${world.licenseKey}-B`;
    await world.server.admin.createLicense({ license_key: newKey, heartbeat_interval_minutes: 720, heartbeat_grace_period_days: 1 });
    const path = await world.mint({ license_key: newKey }, "new.lic");
    const result = await runSentinel(["run", "--license", path, "--software", "/bin/true"], { env: world.env });
    expect(result.exitCode).toBe(0);
    const after = await world.status();
    expect(after).toMatchObject({
      license_key: newKey,
      machine_id: before?.machine_id,
      activated: true,
      grace_remaining_seconds: DAY,
      grace_exhausted: false,
    });
    expect((await world.server.admin.listMachines(newKey)).map((m) => m.machine_id)).toEqual([before?.machine_id as string]);
  });
});

describe("signals and exits", () => {
  test.each(["SIGTERM", "SIGINT"] as const)("%s mid-run: software stopped, state saved, socket gone, its exit code", async (signal) => {
    const world = await newWorld();
    const sentinel = await world.start(["wait"]);
    const seen = await waitFor(() => readReport(world.report), "the software to start");
    const generation = (await world.status())?.generation as number;
    sentinel.proc.kill(signal);
    expect(await sentinel.exited).toBe(42);
    expect(isAlive(seen.pid)).toBe(false);
    expect(readdirSync(join(world.runtimeDir, "sentinel-drm"))).toEqual([]);
    expect((await world.status())?.generation).toBeGreaterThan(generation);
    expect(readdirSync(world.stateDir).sort()).toEqual(["keystore.enc", "state.enc"]);
  });

  test("the software exiting on its own ends the sentinel with its code", async () => {
    const world = await newWorld();
    expect((await world.run(["exit", "7"])).exitCode).toBe(7);
  });

  test("two sentinels at once on one machine run their own child and socket and lose no grace update", async () => {
    // 60-minute intervals of 1 ms: both loops beat every few milliseconds, interleaved.
    const world = await newWorld({ minuteMs: 1, license: { heartbeat_interval_minutes: 60 } });
    expect((await world.run(["exit", "0"])).exitCode).toBe(0);
    const reports = [join(world.dir, "a.json"), join(world.dir, "b.json")];
    const software = join(import.meta.dir, "fixtures/software.sh");
    const both = await Promise.all(
      reports.map((report) =>
        startSentinel(["run", "--license", world.licensePath, "--software", software, "--", report, "wait"], world.env),
      ),
    );
    const seen = await Promise.all(reports.map((report) => waitFor(() => readReport(report), "both programs to start")));
    expect(seen[0]?.socket).not.toBe(seen[1]?.socket);
    // Ten rejected heartbeats spread over both loops: each must consume exactly one interval.
    await world.server.admin.injectFault({ kind: "http-400-json" }, 10);
    await waitFor(async () => (await world.status())?.grace_remaining_seconds === DAY - 10 * 3600, "ten misses to be saved", 30_000);
    for (const sentinel of both) sentinel.proc.kill("SIGTERM");
    expect(await Promise.all(both.map((s) => s.exited))).toEqual([42, 42]);
    expect(await world.status()).toMatchObject({ grace_remaining_seconds: DAY - 10 * 3600, grace_exhausted: false });
  });
});
