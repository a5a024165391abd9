// Fault injection on the compiled binary (spec 12): real faults, no mocks. Each asserts
// that the software is stopped (or never started) when it must be, the exit code, and
// that the state directory still opens afterwards with nothing lost.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createFileKeystore } from "../../src/keystore/file.ts";
import { Entry } from "../../src/keystore/keystore.ts";
import { runSentinel } from "../support/binary.ts";
import { type SecretService, secretServiceMissing, startSecretService } from "../support/secret-service.ts";
import { fixtureRunArgs, isAlive, readReport, startSentinel } from "../support/sentinel-process.ts";
import { endpointsSeen, type World } from "../support/standard-world.ts";
import { describeNeeding, missingCommand, testNeeding } from "../support/system.ts";
import { waitFor } from "../support/wait-for.ts";
import { worldPerTest } from "../support/world-per-test.ts";
import { movingClock } from "./attacks/moving-clock.ts";
import { expectNothingLost, fillDisk, jamLock, mountMissing, mountTmpfs, remount, snapshot } from "./faults/machine.ts";

const TIMEOUT = 60_000;
/** The current test's world, for the helpers below; worldPerTest stops it. */
let world: World;
const newWorld = worldPerTest();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

/** A world whose heartbeat interval (720 licence minutes) lasts `minuteMs × 720` ms. */
const fastWorld = (minuteMs: number) => newWorld({ minuteMs });

/** Starts the sentinel with the fixture software waiting, and waits for the software. */
async function startRunning(w: World) {
  const sentinel = await w.start(["wait"]);
  const seen = await waitFor(() => readReport(w.report), "the software to start");
  return { sentinel, pid: seen.pid };
}

/** A fault, applied: returns its undo. */
type Fault = () => () => unknown;

/**
 * Before launch (spec 12.1): with `fault` in place a start exits 70 `cannot save state`
 * matching `reason`, the software never starts; with the fault undone the state opens, nothing lost.
 */
async function refusedBeforeLaunch(fault: Fault, reason: RegExp): Promise<void> {
  expect((await world.run(["exit", "0"])).exitCode).toBe(0);
  rmSync(world.report);
  const before = await snapshot(world);
  const undo = fault();
  cleanups.push(undo);
  const result = await world.run(["exit", "0"]);
  expect(result.exitCode).toBe(70);
  expect(result.stderr).toMatch(new RegExp(`cannot save state: .*${reason.source}`));
  expect(existsSync(world.report)).toBe(false);
  await undo();
  await expectNothingLost(world, before);
}

/**
 * While running (spec 12.1): with `fault` in place, `trigger` makes the server's answer
 * stop the software with `code`; each failed save is logged naming `reason`; afterwards
 * (fault undone) the state opens with nothing lost.
 */
async function enforcedDespite(fault: Fault, trigger: () => Promise<void>, code: number, reason: RegExp): Promise<string> {
  const { sentinel, pid } = await startRunning(world);
  const before = await snapshot(world);
  const undo = fault();
  cleanups.push(undo);
  await trigger();
  expect(await sentinel.exited).toBe(code);
  expect(sentinel.stderr()).toMatch(new RegExp(`error: cannot save state: .*${reason.source}.*; the decision stands`));
  expect(isAlive(pid)).toBe(false);
  await undo();
  await expectNothingLost(world, before);
  return sentinel.stderr();
}

const revoke = () => world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
const LOCK_TIMEOUT = /timed out waiting for the state lock/;

describe("a jammed state lock (a live process holds it)", () => {
  test(
    "before launch: 70 `cannot save state`, the software never starts, nothing lost",
    async () => {
      world = await fastWorld(100);
      await refusedBeforeLaunch(() => jamLock(world.stateDir), LOCK_TIMEOUT);
    },
    TIMEOUT,
  );

  test(
    "while running: a REVOKED verdict still stops the software (77); the failed saves are logged",
    async () => {
      world = await fastWorld(3);
      const log = await enforcedDespite(() => jamLock(world.stateDir), revoke, 77, LOCK_TIMEOUT);
      expect(log).toContain("license has been revoked");
    },
    TIMEOUT,
  );

  test(
    "while running: misses consume grace in memory and exhaust it: stopped with 69",
    async () => {
      world = await fastWorld(3);
      const outage = () => world.server.admin.injectFault({ kind: "http-502-json" }, 1000);
      const log = await enforcedDespite(() => jamLock(world.stateDir), outage, 69, LOCK_TIMEOUT);
      expect(log).toContain("grace period exhausted — shutting down");
    },
    TIMEOUT,
  );

  test(
    "a final save that fails never replaces the exit status: the software's own status comes back",
    async () => {
      world = await fastWorld(100);
      const sentinel = await world.start(["wait"]);
      const { pid } = await waitFor(() => readReport(world.report), "the software to start");
      const before = await snapshot(world);
      const release = jamLock(world.stateDir);
      cleanups.push(release);
      process.kill(pid, "SIGTERM");
      expect(await sentinel.exited).toBe(42);
      expect(sentinel.stderr()).toContain("error: cannot save state: timed out waiting for the state lock");
      await release();
      await expectNothingLost(world, before);
    },
    TIMEOUT,
  );
});

describeNeeding(mountMissing, "the state directory on a full disk (a size-limited tmpfs: ENOSPC)", () => {
  test(
    "before launch: 70 `cannot save state: … ENOSPC`, the software never starts, nothing lost",
    async () => {
      world = await fastWorld(100);
      cleanups.push(mountTmpfs(world.stateDir, "256k"));
      await refusedBeforeLaunch(() => fillDisk(world.stateDir), /ENOSPC/);
    },
    TIMEOUT,
  );

  test(
    "while running: the disk fills up, the server revokes: stopped with 77, nothing lost",
    async () => {
      world = await fastWorld(3);
      cleanups.push(mountTmpfs(world.stateDir, "256k"));
      await enforcedDespite(() => fillDisk(world.stateDir), revoke, 77, /ENOSPC/);
    },
    TIMEOUT,
  );
});

describeNeeding(mountMissing, "a read-only state directory (tmpfs remounted ro)", () => {
  const readOnly: Fault = () => {
    remount(world.stateDir, "ro");
    return () => remount(world.stateDir, "rw");
  };
  const files = () => readdirSync(world.stateDir).map((name) => [name, readFileSync(join(world.stateDir, name)).toString("hex")]);

  test(
    "before launch: 70, never started, every file as it was",
    async () => {
      world = await fastWorld(100);
      cleanups.push(mountTmpfs(world.stateDir, "1m"));
      let sealed: string[][] = [];
      const fault: Fault = () => {
        sealed = files();
        const undo = readOnly();
        return () => {
          expect(files()).toEqual(sealed);
          undo();
        };
      };
      await refusedBeforeLaunch(fault, /EROFS/);
    },
    TIMEOUT,
  );

  test(
    "while running: a verdict still stops the software (77), nothing lost",
    async () => {
      world = await fastWorld(3);
      cleanups.push(mountTmpfs(world.stateDir, "1m"));
      await enforcedDespite(readOnly, revoke, 77, /EROFS/);
    },
    TIMEOUT,
  );
});

describeNeeding(secretServiceMissing, "the OS keystore (gnome-keyring) dies under a running STANDARD sentinel", () => {
  let service: SecretService | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  test(
    "a REVOKED verdict still stops the software; without the keyring the state is 78 (never tampered); back, it opens with nothing lost",
    async () => {
      world = await fastWorld(3);
      service = await startSecretService();
      const env = { ...world.env, ...service.env, SENTINEL_KEYSTORE: "auto" };
      const args = fixtureRunArgs(world.licensePath, world.report, ["wait"]);
      const sentinel = await startSentinel(args, env);
      const { pid } = await waitFor(() => readReport(world.report), "the software to start");
      expect(readFileSync(join(world.stateDir, "keystore"), "utf8")).toBe("os\n");
      expect(existsSync(join(world.stateDir, "keystore.enc"))).toBe(false);
      const before = await snapshot(world, env);

      await service.killKeyring();
      await world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
      expect(await sentinel.exited).toBe(77);
      expect(sentinel.stderr()).toMatch(/error: cannot save state: .*OS keystore unusable/);
      expect(isAlive(pid)).toBe(false);

      const listing = readdirSync(world.stateDir).sort();
      const status = await runSentinel(["status", "--json"], { env });
      expect(status.exitCode).toBe(78);
      const failure = JSON.parse(status.stdout);
      expect(failure).toMatchObject({ ok: false, exit_code: 78 });
      expect(failure.error).toStartWith(`the state in ${world.stateDir} is sealed by the os keystore, which is unavailable: `);
      expect(readdirSync(world.stateDir).sort()).toEqual(listing);
      expect(existsSync(join(world.stateDir, "keystore.enc"))).toBe(false);

      await service.restartKeyring();
      await expectNothingLost(world, before, env);
    },
    TIMEOUT,
  );
});

describe("a process stopped (SIGSTOP) for longer than the heartbeat interval", () => {
  test(
    "the heartbeat comes right after SIGCONT; the time stopped consumes no grace",
    async () => {
      world = await fastWorld(4); // interval 720 × 4 ms ≈ 2.9 s
      const { sentinel, pid } = await startRunning(world);
      const before = await snapshot(world);
      const beats = async () => (await world.server.admin.requestCounts()).heartbeat ?? 0;
      const beforeStop = await beats();
      sentinel.proc.kill("SIGSTOP");
      await Bun.sleep(4_000); // the fault itself: stopped for longer than one interval
      const whileStopped = await beats();
      sentinel.proc.kill("SIGCONT");
      await waitFor(async () => (await beats()) > whileStopped, "a heartbeat after SIGCONT", 5_000);
      expect(whileStopped).toBe(beforeStop);
      expect(isAlive(pid)).toBe(true);
      const after = await snapshot(world);
      expect(after).toEqual(before);
      sentinel.proc.kill("SIGTERM");
      expect(await sentinel.exited).toBe(42);
    },
    TIMEOUT,
  );
});

testNeeding(
  missingCommand("faketime", "faketime"),
  "a wall clock that jumps past the interval (a suspend, as the wall clock sees it): the heartbeat comes at the next wall check, not a whole monotonic interval later",
  async () => {
    // The server keeps the true time and admits the moved clock's timestamps, as a lenient backend would.
    let offsetMs = 0;
    world = await newWorld({ minuteMs: 50, requestClock: () => Date.now() + offsetMs }); // interval 720 × 50 ms = 36 s
    const clock = movingClock(join(world.dir, "clock-offset"));
    const sentinel = await startSentinel(fixtureRunArgs(world.licensePath, world.report, ["wait"]), world.env, clock.wrapper);
    await waitFor(() => readReport(world.report), "the software to start");
    const before = await snapshot(world);
    const beats = async () => (await world.server.admin.requestCounts()).heartbeat ?? 0;
    const jump = (hours: number) => {
      offsetMs += hours * 3_600_000;
      clock.set(offsetMs);
    };
    const beforeJump = await beats();
    jump(2);
    // Well inside the 36 s the monotonic clock alone would wait: the wall clock is looked at every licence minute (50 ms).
    await waitFor(async () => (await beats()) > beforeJump, "a heartbeat after the wall clock jumped", 10_000);
    expect(sentinel.proc.exitCode).toBeNull();
    // Once more, with the licence revoked: that beat too comes at once, and is obeyed.
    // (faketime runs the sentinel as its child, so a signal to the wrapper would not reach it.)
    await world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
    jump(2);
    expect(await sentinel.exited).toBe(77);
    // The time "asleep" consumed no grace.
    expect((await snapshot(world)).grace).toEqual(before.grace);
  },
  TIMEOUT,
);

describe("spec 12.3 and 12.6 on the binary", () => {
  test(
    "a machine key lost from the keystore: activates again, same machine id, grace unchanged",
    async () => {
      world = await newWorld();
      expect((await world.run(["exit", "0"])).exitCode).toBe(0);
      const before = await snapshot(world);
      const keystore = await createFileKeystore({ stateDir: world.stateDir, osMachineId: readFileSync("/etc/machine-id", "utf8") });
      await keystore.delete(Entry.machineKey);
      await world.server.admin.clearRequestLog();
      const result = await world.run(["exit", "0"]);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toContain("the machine key is missing from the keystore");
      expect(await endpointsSeen(world)).toEqual(["activate", "heartbeat"]);
      expect(await snapshot(world)).toEqual(before);
      expect(await world.status()).toMatchObject({ activated: true });
    },
    TIMEOUT,
  );

  test(
    '`"server_url": ""` counts as absent: --server-url is used, and without it 64 asks for it',
    async () => {
      world = await newWorld();
      const empty = await world.mint({ server_url: "" }, "empty-url.lic");
      const args = (extra: string[]) => fixtureRunArgs(empty, world.report, ["exit", "0"], extra);
      expect((await runSentinel(args(["--server-url", world.server.url]), { env: world.env })).exitCode).toBe(0);
      const missing = await runSentinel(args([]), { env: world.env });
      expect(missing.exitCode).toBe(64);
      expect(missing.stderr).toContain("--server-url is required for STANDARD licenses");
      rmSync(world.report, { force: true });
    },
    TIMEOUT,
  );
});
