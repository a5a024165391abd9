// The attack suite (issue 8): the customer as the adversary and a hostile network,
// each attack end to end on the compiled test build (on a release build where the
// attack is on the build itself), refused or bounded exactly as the spec says.
// Cases standard.test.ts and hardware-bound.test.ts already prove are referenced, not repeated.
import { describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { MISSING_EXEC_HELPER, runSentinel } from "../support/binary.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBoundPayload, isoDay, mintLicense, standardPayload } from "../support/mint.ts";
import { connectAs, ensureOtherUser, IS_ROOT, OTHER_USER, runAs, testAsOtherUser } from "../support/other-user.ts";
import { VECTORS } from "../support/paths.ts";
import { fixtureRunArgs, isAlive, readReport, startSentinel, workspace } from "../support/sentinel-process.ts";
import { endpointsSeen, standardWorld, type World, type WorldOptions } from "../support/standard-world.ts";
import { describeNeeding, missingCommand } from "../support/system.ts";
import { waitFor } from "../support/wait-for.ts";
import { execWrapper, releaseBinary, runWrapped } from "./attacks/binaries.ts";
import { clockShifted } from "./attacks/clock.ts";
import { startDecoy } from "./attacks/decoy-server.ts";
import { editedLicence, genuineResponses, PAYLOAD_EDITS, responseAsLicence } from "./attacks/forgery.ts";
import { hostileWorkingDir } from "./attacks/hostile-cwd.ts";

const DAY = 86_400;
const HALF_DAY = 43_200;
/** Sequences of runs, each unreachable heartbeat costing ~2 s of retry backoff. */
const TIMEOUT = 60_000;
/** A port nothing listens on: the server is down. */
const DEAD_SERVER = ["--server-url", "http://127.0.0.1:9"];
/** A fault count no test outlives. */
const FOREVER = 10_000;
const OTHER_KEY = await keyPairFromPem(readFileSync(join(VECTORS, "other_private.pem"), "utf8"));
const HWROOT_FINGERPRINT = readFileSync(join(VECTORS, "hwroot.expected"), "utf8").trim();
const HWROOT_LICENCE = join(VECTORS, "valid_hardware_bound.lic");

async function withWorld(options: WorldOptions, body: (world: World) => Promise<void>): Promise<void> {
  const world = await standardWorld(options);
  try {
    await body(world);
  } finally {
    await world.stop();
  }
}

/** `run` args for `licence` with the fixture software reporting to `report`. */
const runArgs = (licence: string, report: string, extra: string[] = [], software = ["exit", "0"]) =>
  fixtureRunArgs(licence, report, software, extra);

function writeLicence(world: World, name: string, text: string): string {
  const path = join(world.dir, name);
  writeFileSync(path, text);
  return path;
}

const runLicence = (world: World, licence: string, extra: string[] = []) =>
  runSentinel(runArgs(licence, world.report, extra), { env: world.env });

const hwEnv = (runtimeDir: string) => ({ SENTINEL_HW_ROOT: join(VECTORS, "hwroot"), XDG_RUNTIME_DIR: runtimeDir });

describe("attacks on the licence file", () => {
  // Signature vectors (tampered payload and sig, other key) through `verify`: verify.test.ts.
  test.concurrent(
    "attack: an edited licence (payload re-encoded under the old signature) is refused with 65 before anything else happens",
    () =>
      withWorld({}, async (world) => {
        const original = readFileSync(world.licensePath, "utf8");
        const results = await Promise.all(
          Object.entries(PAYLOAD_EDITS).map(([name, edit]) =>
            runLicence(world, writeLicence(world, `${name}.lic`, editedLicence(original, edit))),
          ),
        );
        for (const result of results) {
          expect(result.exitCode).toBe(65);
          expect(result.stderr).toContain("license signature verification failed");
        }
        expect(existsSync(world.report)).toBe(false);
        expect(await endpointsSeen(world)).toEqual([]);
        expect(await world.status()).toBeNull();
      }),
    TIMEOUT,
  );

  test.concurrent(
    "attack: a licence signed by another key is refused with 65 (a STANDARD one and a HARDWARE_BOUND one for this very machine)",
    () =>
      withWorld({}, async (world) => {
        const standard = standardPayload({ license_key: world.licenseKey, server_url: world.server.url, max_machines: 100 });
        const forgedStandard = writeLicence(world, "other-standard.lic", await mintLicense(standard, OTHER_KEY.secret));
        const forgedBound = writeLicence(
          world,
          "other-bound.lic",
          await mintLicense(hardwareBoundPayload(HWROOT_FINGERPRINT), OTHER_KEY.secret),
        );
        const results = await Promise.all([
          runLicence(world, forgedStandard),
          runSentinel(runArgs(forgedBound, world.report), { env: hwEnv(world.runtimeDir) }),
        ]);
        for (const result of results) {
          expect(result.exitCode).toBe(65);
          expect(result.stderr).toContain("license signature verification failed");
        }
        expect(existsSync(world.report)).toBe(false);
        expect(await endpointsSeen(world)).toEqual([]);
      }),
    TIMEOUT,
  );

  test.concurrent(
    "attack: a genuine signed server response presented as a licence is refused with 65, with or without an alg added",
    () =>
      withWorld({}, async (world) => {
        const forged = genuineResponses().flatMap(({ name, body }) => [
          { name, addAlg: false, path: writeLicence(world, `${name}.lic`, responseAsLicence(body, false)) },
          { name, addAlg: true, path: writeLicence(world, `${name}-alg.lic`, responseAsLicence(body, true)) },
        ]);
        expect(forged.length).toBeGreaterThanOrEqual(10);
        const results = await Promise.all(forged.map(({ path }) => runLicence(world, path)));
        forged.forEach(({ name, addAlg }, i) => {
          const result = results[i] as (typeof results)[number];
          expect({ name, addAlg, code: result.exitCode }).toEqual({ name, addAlg, code: 65 });
          // With the alg added the org signature verifies: it is the payload that is not a licence.
          if (addAlg) expect(result.stderr).not.toContain("signature verification failed");
          else expect(result.stderr).toContain("unsupported license algorithm");
        });
        expect(existsSync(world.report)).toBe(false);
        expect(await endpointsSeen(world)).toEqual([]);
      }),
    TIMEOUT,
  );
});

describe("attacks on the DRM conversation", () => {
  // Forged REVOKED (bad signature, wrong nonce) is a miss: standard.test.ts "a bad signature or a wrong nonce is never obeyed".
  test.concurrent(
    "attack: the licence file presented as a server response (a 200 signed by the org key) is never obeyed: a miss",
    () =>
      withWorld({}, async (world) => {
        expect((await world.run(["exit", "0"])).exitCode).toBe(0);
        const licence = readFileSync(world.licensePath, "utf8");
        await world.server.admin.injectFault({ kind: "raw", status: 200, body: licence }, 3);
        const result = await world.run(["exit", "0"]);
        // Obeyed, its payload (no status) would deny with 77; as a miss the software runs on grace.
        expect(result.exitCode).toBe(0);
        expect(result.stderr).toContain("DRM heartbeat response failed verification");
        expect(result.stderr).toContain("server unreachable, running on grace");
        expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY, grace_exhausted: false });
      }),
    TIMEOUT,
  );

  test.concurrent(
    "attack: an old genuine ACTIVE response replayed while the licence is REVOKED is a miss, and the real REVOKED stops the software (77)",
    () =>
      withWorld({ minuteMs: 2 }, async (world) => {
        // The server remembers this run's genuine ACTIVE heartbeat body; the replay fault sends it back byte for byte.
        expect((await world.run(["exit", "0"])).exitCode).toBe(0);
        rmSync(world.report);
        await world.server.admin.setLicenseStatus(world.licenseKey, "REVOKED");
        await world.server.admin.injectFault({ kind: "replay" }, 3);
        const sentinel = await world.start(["wait"]);
        const seen = await waitFor(() => readReport(world.report), "the software to start on grace");
        expect(await sentinel.exited).toBe(77);
        expect(sentinel.stderr()).toContain("request_nonce check");
        expect(sentinel.stderr()).toContain("server unreachable, running on grace");
        expect(sentinel.stderr()).toContain("license has been revoked");
        expect(isAlive(seen.pid)).toBe(false);
        expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY });
      }),
    TIMEOUT,
  );

  // Interval 720 min, grace 1 day: two misses exhaust it; a licence minute of 1 ms makes the loop beat every 0.72 s.
  test.concurrent.each([
    ["500 (HTML)", { kind: "http-500-html" } as const, 69, "server unreachable and grace period exhausted — cannot start"],
    ["an unsigned 200", { kind: "unsigned-200" } as const, 69, "server unreachable and grace period exhausted — cannot start"],
    // Spec 8.2 step 6: any rejected startup heartbeat denies (77).
    [
      "400 with a JSON error",
      { kind: "http-400-json", message: "forged refusal" } as const,
      77,
      "startup heartbeat refused: forged refusal",
    ],
  ])(
    "attack: a man in the middle answering %s forever: grace runs out, the software is stopped (69), and it cannot start again",
    (_, fault, restartCode, restartMessage) =>
      withWorld({ minuteMs: 1 }, async (world) => {
        const sentinel = await world.start(["wait"]);
        const seen = await waitFor(() => readReport(world.report), "the software to start online");
        await world.server.admin.injectFault(fault, FOREVER);
        expect(await sentinel.exited).toBe(69);
        expect(sentinel.stderr()).toContain("grace period exhausted — shutting down");
        expect(isAlive(seen.pid)).toBe(false);
        expect(await world.status()).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true });
        rmSync(world.report);
        const again = await world.run(["exit", "0"]);
        expect(again.exitCode).toBe(restartCode);
        expect(again.stderr).toContain(restartMessage);
        expect(existsSync(world.report)).toBe(false);
      }),
    TIMEOUT,
  );

  // The remote http:// flag: standard.test.ts "an http:// server URL to a remote host is refused with 64".
  test.concurrent(
    "attack: an http:// server URL to a remote host, in the licence or dressed up as loopback, is refused with 64",
    () =>
      withWorld({}, async (world) => {
        const urls = [
          "http://drm.example.com",
          "http://127.0.0.1.nip.io",
          "http://localhost.example.com",
          "http://127.0.0.1@drm.example.com",
          "HTTP://DRM.EXAMPLE.COM/api",
        ];
        const results = await Promise.all(
          urls.map(async (url, i) => runLicence(world, await world.mint({ server_url: url }, `remote-${i}.lic`))),
        );
        expect(results.map((result) => result.exitCode)).toEqual(urls.map(() => 64));
        expect(existsSync(world.report)).toBe(false);
        expect(await world.status()).toBeNull();
      }),
    TIMEOUT,
  );

  test.concurrent(
    "attack: a redirect to another host is never followed: that host sees no request, and the heartbeat is a miss",
    () =>
      withWorld({}, async (world) => {
        const decoy = startDecoy();
        try {
          expect((await world.run(["exit", "0"])).exitCode).toBe(0);
          await world.server.admin.injectFault({ kind: "redirect", location: `${decoy.url}/api/v1/drm/heartbeat/` }, 3);
          const result = await world.run(["exit", "0"]);
          expect(result.exitCode).toBe(0);
          expect(result.stderr).toContain("server unreachable, running on grace");
          expect(decoy.requests()).toBe(0);
          expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY });
        } finally {
          await decoy.stop();
        }
      }),
    TIMEOUT,
  );
});

describe("attacks on the local state", () => {
  // Exit-and-restart offline: standard.test.ts "the server down at startup: runs on grace consuming one interval each start".
  test.concurrent(
    "attack: restart cycling while offline (each run killed before its first loop heartbeat): every start consumes an interval, then 69",
    () =>
      withWorld({ license: { heartbeat_interval_minutes: 480 } }, async (world) => {
        expect((await world.run(["exit", "0"])).exitCode).toBe(0);
        const remaining: unknown[] = [];
        for (let start = 0; start < 3; start++) {
          rmSync(world.report);
          const sentinel = await world.start(["wait"], DEAD_SERVER);
          await waitFor(() => readReport(world.report), "the software to start on grace");
          remaining.push((await world.status())?.grace_remaining_seconds);
          sentinel.proc.kill("SIGTERM");
          expect(await sentinel.exited).toBe(42);
        }
        expect(remaining).toEqual([DAY - 28_800, DAY - 57_600, 0]);
        const refused = await world.run(["exit", "0"], DEAD_SERVER);
        expect(refused.exitCode).toBe(69);
        expect(refused.stderr).toContain("server unreachable and grace period exhausted — cannot start");
      }),
    TIMEOUT,
  );

  test.concurrent(
    "attack: the state file deleted after activation: the machine must activate online again as a new machine (69 offline, 77 at max_machines)",
    () =>
      withWorld({ license: { max_machines: 1 } }, async (world) => {
        expect((await world.run(["exit", "0"])).exitCode).toBe(0);
        const before = await world.status();
        rmSync(world.report);
        rmSync(join(world.stateDir, "state.enc"));
        const offline = await world.run(["exit", "0"], DEAD_SERVER);
        expect(offline.exitCode).toBe(69);
        expect(offline.stderr).toContain("activation failed: DRM server unreachable");
        const online = await world.run(["exit", "0"]);
        expect(online.exitCode).toBe(77);
        expect(online.stderr).toContain("Maximum machine limit reached for this license.");
        expect(existsSync(world.report)).toBe(false);
        const log = await world.server.admin.requestLog();
        expect(log.map((entry) => entry.endpoint)).toEqual(["activate", "heartbeat", "activate"]);
        const after = await world.status();
        expect(after).toMatchObject({ activated: false });
        expect(log[2]?.machine_id).toBe(after?.machine_id as string);
        expect(after?.machine_id).not.toBe(before?.machine_id);
      }),
    TIMEOUT,
  );

  test.concurrent(
    "attack: an old copy of state.enc restored after grace was spent is detected as rolled back: a new machine id and no grace (69)",
    () =>
      withWorld({}, async (world) => {
        expect((await world.run(["exit", "0"])).exitCode).toBe(0);
        const original = await world.status();
        const backup = join(world.dir, "state.enc.bak");
        copyFileSync(join(world.stateDir, "state.enc"), backup);
        for (let run = 0; run < 2; run++) expect((await world.run(["exit", "0"], DEAD_SERVER)).exitCode).toBe(0);
        expect(await world.status()).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true });
        copyFileSync(backup, join(world.stateDir, "state.enc"));
        const restored = await world.run(["exit", "0"], DEAD_SERVER);
        expect(restored.exitCode).toBe(69);
        expect(restored.stderr).toContain("was rolled back");
        const after = await world.status();
        expect(after).toMatchObject({ activated: false, grace_remaining_seconds: 0, grace_exhausted: true });
        expect(after?.machine_id).not.toBe(original?.machine_id);
      }),
    TIMEOUT,
  );

  // What the README must admit: the file keystore (and its generation) lives in the same directory.
  test.concurrent(
    "limit: restoring the whole state directory (state.enc and keystore.enc together) is not detected and restores the grace spent",
    () =>
      withWorld({}, async (world) => {
        expect((await world.run(["exit", "0"])).exitCode).toBe(0);
        const backup = join(world.dir, "state-backup");
        cpSync(world.stateDir, backup, { recursive: true });
        for (let run = 0; run < 2; run++) expect((await world.run(["exit", "0"], DEAD_SERVER)).exitCode).toBe(0);
        rmSync(world.stateDir, { recursive: true });
        cpSync(backup, world.stateDir, { recursive: true });
        const restored = await world.run(["exit", "0"], DEAD_SERVER);
        expect(restored.exitCode).toBe(0);
        expect(restored.stderr).not.toContain("tampered");
        expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY });
      }),
    TIMEOUT,
  );

  describeNeeding(missingCommand("faketime", "faketime"), "the clock set back (libfaketime)", () => {
    test.concurrent(
      "attack: the clock set back two days while offline gives no grace (69), with the clock warning",
      () =>
        withWorld({}, async (world) => {
          expect((await world.run(["exit", "0"])).exitCode).toBe(0);
          // Control: at the true time the same offline start runs on grace.
          expect((await world.run(["exit", "0"], DEAD_SERVER)).exitCode).toBe(0);
          rmSync(world.report);
          const back = await runWrapped(runArgs(world.licensePath, world.report, DEAD_SERVER), world.env, clockShifted("-2d"));
          expect(back.exitCode).toBe(69);
          expect(back.stderr).toContain("the system clock is more than an hour behind the last time seen");
          expect(back.stderr).toContain("server unreachable and grace period exhausted — cannot start");
          expect(existsSync(world.report)).toBe(false);
          expect(await world.status()).toMatchObject({ grace_remaining_seconds: HALF_DAY, grace_exhausted: true });
        }),
      TIMEOUT,
    );

    test.concurrent(
      "attack: an expired licence run with the clock set back is judged against the last time seen: 65",
      () =>
        withWorld({}, async (world) => {
          expect((await world.run(["exit", "0"])).exitCode).toBe(0);
          // Last year's file for the same key, expired yesterday; valid by a clock three days back.
          const expired = isoDay(-1);
          const old = await world.mint({ expiry_date: expired }, "old.lic");
          const verify = await runWrapped(["verify", "--license", old], world.env, clockShifted("-3d"));
          expect(verify.exitCode).toBe(0);
          rmSync(world.report);
          const back = await runWrapped(runArgs(old, world.report), world.env, clockShifted("-3d"));
          expect(back.exitCode).toBe(65);
          expect(back.stderr).toContain("the system clock is more than an hour behind the last time seen");
          expect(back.stderr).toContain(`license has expired (expiry: ${expired})`);
          expect(existsSync(world.report)).toBe(false);
        }),
      TIMEOUT,
    );
  });
});

// Release builds embed the exec helper: they need the host's C compiler.
describeNeeding(MISSING_EXEC_HELPER, "attacks on the build", () => {
  test.concurrent(
    "attack: SENTINEL_HW_ROOT is ignored by a release build: no fixture fingerprint, and the fixture's licence refused (65)",
    async () => {
      const release = execWrapper({ binary: await releaseBinary() });
      const { runtimeDir, report } = workspace();
      const env = hwEnv(runtimeDir);
      const [testPrint, releasePrint] = await Promise.all([
        runSentinel(["fingerprint"], { env }),
        runWrapped(["fingerprint"], env, release),
      ]);
      // Control: the test build honours the switch.
      expect(testPrint.stdout.split("\n")[0]).toBe(`fingerprint (v1): ${HWROOT_FINGERPRINT}`);
      const fixtureMachineId = /machine_id +([0-9a-f]{64})/.exec(testPrint.stdout)?.[1] as string;
      // This machine's own fingerprint (0), or the part it could not read here (65).
      expect([0, 65]).toContain(releasePrint.exitCode);
      expect(releasePrint.stdout).not.toContain(HWROOT_FINGERPRINT);
      expect(releasePrint.stdout).not.toContain(fixtureMachineId);
      const testRun = await runSentinel(runArgs(HWROOT_LICENCE, `${report}.test`), { env });
      expect(testRun.exitCode).toBe(0);
      const releaseRun = await runWrapped(runArgs(HWROOT_LICENCE, report), env, release);
      expect(releaseRun.exitCode).toBe(65);
      expect(existsSync(report)).toBe(false);
    },
    TIMEOUT,
  );

  test.concurrent(
    "attack: SENTINEL_TEST_MINUTE_MS is ignored by a release build: no loop heartbeat while a test build beats three times",
    async () => {
      const release = execWrapper({ binary: await releaseBinary() });
      const [releaseWorld, testWorld] = await Promise.all([standardWorld({ minuteMs: 1 }), standardWorld({ minuteMs: 1 })]);
      try {
        const releaseRun = await startSentinel(
          runArgs(releaseWorld.licensePath, releaseWorld.report, [], ["wait"]),
          releaseWorld.env,
          release,
        );
        await waitFor(() => readReport(releaseWorld.report), "the release build to start the software");
        const testRun = await testWorld.start(["wait"]);
        // With 1 ms minutes the test build beats every 0.72 s; the release build waits 720 real minutes.
        await waitFor(async () => ((await testWorld.server.admin.requestCounts()).heartbeat ?? 0) >= 4, "three loop heartbeats");
        expect(await releaseWorld.server.admin.requestCounts()).toEqual({ activate: 1, heartbeat: 1 });
        for (const sentinel of [releaseRun, testRun]) sentinel.proc.kill("SIGTERM");
        expect(await Promise.all([releaseRun.exited, testRun.exited])).toEqual([42, 42]);
      } finally {
        await Promise.all([releaseWorld.stop(), testWorld.stop()]);
      }
    },
    TIMEOUT,
  );

  // The minifier does not inline TEST_BUILD across modules, so build.ts defines the switches away.
  test.concurrent(
    "attack: a release build's embedded code does not even name the test switches (spec 10: compiled out)",
    async () => {
      const bytes = readFileSync(await releaseBinary());
      expect({
        SENTINEL_HW_ROOT: bytes.includes("SENTINEL_HW_ROOT"),
        SENTINEL_TEST_MINUTE_MS: bytes.includes("SENTINEL_TEST_MINUTE_MS"),
      }).toEqual({
        SENTINEL_HW_ROOT: false,
        SENTINEL_TEST_MINUTE_MS: false,
      });
    },
    TIMEOUT,
  );

  test.concurrent(
    "attack: a hostile working directory (.env with SENTINEL_HW_ROOT and BUN_OPTIONS, bunfig.toml preload) injects nothing",
    async () => {
      const hostile = hostileWorkingDir();
      const { runtimeDir, report } = workspace();
      const env = { XDG_RUNTIME_DIR: runtimeDir };
      for (const binary of [await releaseBinary(), undefined]) {
        const wrapper = execWrapper({ binary, cwd: hostile.dir });
        expect((await runWrapped(["--version"], env, wrapper)).exitCode).toBe(0);
        // Had the test build loaded the .env, its SENTINEL_HW_ROOT would have matched the fixture licence.
        expect((await runWrapped(runArgs(HWROOT_LICENCE, report), env, wrapper)).exitCode).toBe(65);
      }
      expect(hostile.evilRan()).toBe(false);
    },
    TIMEOUT,
  );

  // Bun reads BUN_OPTIONS in compiled executables; the build's execArgv forbids compiling code from strings.
  test.concurrent(
    "attack: BUN_OPTIONS=--preload in the environment runs no code inside a release build",
    async () => {
      const hostile = hostileWorkingDir();
      const wrapper = execWrapper({ binary: await releaseBinary(), cwd: hostile.dir });
      await runWrapped(["--version"], { BUN_OPTIONS: "--preload ./evil.ts" }, wrapper);
      expect(hostile.evilRan()).toBe(false);
    },
    TIMEOUT,
  );
});

describe("attacks by another local user", () => {
  testAsOtherUser(
    "attack: another user connecting to a running sentinel's socket is refused (0700 directory, and the 0600 socket on its own)",
    async () => {
      ensureOtherUser();
      const { dir, runtimeDir, report } = workspace();
      // Open the test's own directories, so only what the sentinel made stands in the way.
      chmodSync(dir, 0o755);
      chmodSync(runtimeDir, 0o755);
      const sentinel = await startSentinel(runArgs(HWROOT_LICENCE, report, [], ["wait"]), hwEnv(runtimeDir));
      try {
        const { socket } = await waitFor(() => readReport(report), "the software to start");
        expect(await connectAs(OTHER_USER, socket)).toBe("permission denied");
        expect(await connectAs(null, socket)).toBe('{"status":"ok"}');
        chmodSync(dirname(socket), 0o755);
        expect(await connectAs(OTHER_USER, socket)).toBe("permission denied");
      } finally {
        sentinel.proc.kill("SIGTERM");
      }
      expect(await sentinel.exited).toBe(42);
    },
    TIMEOUT,
  );

  test.skipIf(!IS_ROOT)(
    "attack: another user planting the socket directory first makes the sentinel refuse to start (78), never use it",
    async () => {
      ensureOtherUser();
      const { dir, runtimeDir, report } = workspace();
      chmodSync(dir, 0o755);
      chmodSync(runtimeDir, 0o1777);
      await runAs(OTHER_USER, ["mkdir", "-m", "0700", join(runtimeDir, "sentinel-drm")]);
      const result = await runSentinel(runArgs(HWROOT_LICENCE, report), { env: hwEnv(runtimeDir) });
      expect(result.exitCode).toBe(78);
      expect(result.stderr).toContain("refusing IPC socket directory");
      expect(existsSync(report)).toBe(false);
    },
    TIMEOUT,
  );
});
