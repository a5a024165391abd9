// The HARDWARE_BOUND flow end to end on the compiled test build (spec 8.5, 7, 8.7):
// fixture hardware roots, a real child, the real socket, real signals.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { MISSING_EXEC_HELPER, runSentinel } from "../support/binary.ts";
import { keyPairFromPem } from "../support/keys.ts";
import { hardwareBoundPayload, isoDay, mintLicense } from "../support/mint.ts";
import { VECTORS } from "../support/paths.ts";
import { fixtureRunArgs, isAlive, readReport, SOFTWARE, startSentinel, workspace } from "../support/sentinel-process.ts";
import { missingCommand, testNeeding } from "../support/system.ts";
import { waitFor } from "../support/wait-for.ts";
import { movingClock } from "./attacks/moving-clock.ts";

const org = await keyPairFromPem(readFileSync(join(VECTORS, "org_private.pem"), "utf8"));
const expected = (root: string) => readFileSync(join(VECTORS, `${root}.expected`), "utf8").trim();
const hwEnv = (root: string, runtimeDir: string) => ({ SENTINEL_HW_ROOT: join(VECTORS, root), XDG_RUNTIME_DIR: runtimeDir });
const socketDir = (runtimeDir: string) => join(runtimeDir, "sentinel-drm");

const runArgs = (license: string, report: string, ...software: string[]) => fixtureRunArgs(license, report, software);

describe("HARDWARE_BOUND on the compiled binary", () => {
  test.each([
    ["hwroot", "valid_hardware_bound.lic", "LK-VALID-HARDWARE-BOUND"],
    ["hwroot-nvme", "valid_hardware_bound_nvme.lic", "LK-VALID-HARDWARE-BOUND-NVME"],
    ["hwroot-arm", "valid_hardware_bound_arm.lic", "LK-VALID-HARDWARE-BOUND-ARM"],
  ])("%s: the software runs with the socket and gets all four answers", async (root, file, key) => {
    const { runtimeDir, report } = workspace();
    const result = await runSentinel(runArgs(join(VECTORS, file), report, "exit", "0"), { env: hwEnv(root, runtimeDir) });
    expect(result.exitCode).toBe(0);
    const seen = readReport(report);
    expect(seen?.socket).toBe(
      join(socketDir(runtimeDir), `sentinel-${expected(root).slice(0, 16)}-${seen?.socket.match(/-(\d+)\.sock$/)?.[1]}.sock`),
    );
    const [health, license, features, status] = seen?.answers ?? [];
    expect(health).toEqual({ status: "ok", id: 0 });
    expect(license).toMatchObject({
      status: "ok",
      id: 1,
      license: {
        license_key: key,
        license_type: "HARDWARE_BOUND",
        expiry_date: "2099-12-31",
        org_id: "org-test-0001",
        software_id: "acme-server",
      },
    });
    expect(features).toMatchObject({ status: "ok", id: 2 });
    expect((features as { features: unknown }).features).toEqual((license as { license: { features: unknown } }).license.features);
    expect(status).toEqual({
      status: "ok",
      id: 3,
      state: {
        license_type: "HARDWARE_BOUND",
        online: null,
        last_heartbeat_success: null,
        grace_remaining_seconds: null,
        grace_exhausted: null,
        expiry_date: "2099-12-31",
        floating: null,
      },
    });
    expect(readdirSync(socketDir(runtimeDir))).toEqual([]);
  });

  test.each([
    [["exit", "3"], 3],
    [["kill-self"], 128 + 9],
  ])("the sentinel exits with the software's own status (%p)", async (behaviour, code) => {
    const { runtimeDir, report } = workspace();
    const result = await runSentinel(runArgs(join(VECTORS, "valid_hardware_bound.lic"), report, ...behaviour), {
      env: hwEnv("hwroot", runtimeDir),
    });
    expect(result.exitCode).toBe(code);
    expect(readReport(report)?.args).toEqual([report, ...behaviour]);
  });

  test("a fingerprint mismatch exits 65 and never starts the software", async () => {
    const { runtimeDir, report } = workspace();
    const result = await runSentinel(runArgs(join(VECTORS, "valid_hardware_bound_other_machine.lic"), report, "exit", "0"), {
      env: hwEnv("hwroot", runtimeDir),
    });
    expect(result.exitCode).toBe(65);
    expect(result.stderr.trim().split("\n").at(-1)).toBe(
      "sentinel error: hardware fingerprint mismatch: this license is not valid for this machine",
    );
    expect(existsSync(report)).toBe(false);
  });

  test("the whole flow runs with no network at all (unshare -n)", async () => {
    const { runtimeDir, report } = workspace();
    const sentinel = await startSentinel(
      runArgs(join(VECTORS, "valid_hardware_bound.lic"), report, "exit", "5"),
      hwEnv("hwroot", runtimeDir),
      ["unshare", "-n"],
    );
    expect(await sentinel.exited).toBe(5);
    expect(readReport(report)?.answers).toHaveLength(4);
  });

  test.each(["SIGTERM", "SIGINT"] as const)(
    "%s to the sentinel stops the software and returns its status, leaving nothing behind",
    async (signal) => {
      const { runtimeDir, report } = workspace();
      const sentinel = await startSentinel(runArgs(join(VECTORS, "valid_hardware_bound.lic"), report, "wait"), hwEnv("hwroot", runtimeDir));
      const seen = await waitFor(() => readReport(report), "the software to start");
      const socket = statSync(seen.socket);
      expect(socket.mode & 0o777).toBe(0o600);
      expect(statSync(socketDir(runtimeDir)).mode & 0o777).toBe(0o700);
      sentinel.proc.kill(signal);
      expect(await sentinel.exited).toBe(42);
      expect(isAlive(seen.pid)).toBe(false);
      expect(readdirSync(socketDir(runtimeDir))).toEqual([]);
    },
  );

  test("a software that ignores SIGTERM is killed after --stop-timeout", async () => {
    const { runtimeDir, report } = workspace();
    const args = [
      "run",
      "--stop-timeout",
      "0.3",
      "--license",
      join(VECTORS, "valid_hardware_bound.lic"),
      "--software",
      SOFTWARE,
      "--",
      report,
      "ignore-term",
    ];
    const sentinel = await startSentinel(args, hwEnv("hwroot", runtimeDir));
    const seen = await waitFor(() => readReport(report), "the software to start");
    sentinel.proc.kill("SIGTERM");
    expect(await sentinel.exited).toBe(128 + 9);
    expect(sentinel.stderr()).toContain("did not stop within 300 ms");
    expect(isAlive(seen.pid)).toBe(false);
    expect(readdirSync(socketDir(runtimeDir))).toEqual([]);
  });

  testNeeding(MISSING_EXEC_HELPER, "a SIGKILLed sentinel leaves no running software (Linux parent-death signal)", async () => {
    const { runtimeDir, report } = workspace();
    const sentinel = await startSentinel(runArgs(join(VECTORS, "valid_hardware_bound.lic"), report, "wait"), hwEnv("hwroot", runtimeDir));
    const seen = await waitFor(() => readReport(report), "the software to start");
    expect(isAlive(seen.pid)).toBe(true);
    sentinel.proc.kill("SIGKILL");
    // proc.exited, not sentinel.exited: a surviving software would keep the output pipes open.
    await sentinel.proc.exited;
    await waitFor(() => !isAlive(seen.pid), "the software to die with the sentinel", 1000);
  });

  test("the software inherits default signal handling and no descriptors of the sentinel's", async () => {
    const { runtimeDir } = workspace();
    const software = join(import.meta.dir, "fixtures/inherited.sh");
    const result = await runSentinel(["run", "--license", join(VECTORS, "valid_hardware_bound.lic"), "--software", software], {
      env: hwEnv("hwroot", runtimeDir),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nfds: 0 1 2 3 \n");
  });

  describe("software checks before launch", () => {
    const hashOf = (path: string) => sha256Hex(readFileSync(path));
    const licenseWith = async (checksum: string) => {
      const { dir } = workspace();
      const path = join(dir, "checksum.lic");
      writeFileSync(path, await mintLicense(hardwareBoundPayload(expected("hwroot"), { software_checksum: checksum }), org.secret));
      return path;
    };
    test("a matching software_checksum launches; a wrong one exits 65 unlaunched", async () => {
      const { runtimeDir } = workspace();
      // A checksummed script is read from /dev/fd/4 (spec 12.4), so not the fixture, which finds software.ts by $0.
      const ok = await runSentinel(["run", "--license", await licenseWith(hashOf("/bin/true")), "--software", "/bin/true"], {
        env: hwEnv("hwroot", runtimeDir),
      });
      expect(ok.exitCode).toBe(0);
      const other = workspace();
      const bad = await runSentinel(runArgs(await licenseWith("0".repeat(64)), other.report, "exit", "0"), {
        env: hwEnv("hwroot", other.runtimeDir),
      });
      expect(bad.exitCode).toBe(65);
      expect(bad.stderr).toContain("software checksum mismatch");
      expect(existsSync(other.report)).toBe(false);
    });
    test.each([
      ["missing", (dir: string) => join(dir, "nope")],
      ["not executable", (dir: string) => (writeFileSync(join(dir, "plain"), "#!/bin/sh\n"), join(dir, "plain"))],
      ["a directory", (dir: string) => dir],
    ])("software %s exits 64", async (_, make) => {
      const { dir, runtimeDir } = workspace();
      const result = await runSentinel(["run", "--license", join(VECTORS, "valid_hardware_bound.lic"), "--software", make(dir)], {
        env: hwEnv("hwroot", runtimeDir),
      });
      expect(result.exitCode).toBe(64);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    });
  });
});

testNeeding(
  missingCommand("faketime", "faketime"),
  "a wall clock that jumps past the licence's last day (a suspend, as the wall clock sees it) stops the software at the next check: 77",
  async () => {
    const { dir, runtimeDir, report } = workspace();
    // Valid today, its last day; the sentinel's clock then jumps a day ahead while the software runs.
    const license = join(dir, "today.lic");
    writeFileSync(license, await mintLicense(hardwareBoundPayload(expected("hwroot"), { expiry_date: isoDay(0) }), org.secret));
    const clock = movingClock(join(dir, "clock-offset"));
    // One licence minute of 50 ms: the wall clock is looked at every 50 ms instead of every 60 s.
    const env = { ...hwEnv("hwroot", runtimeDir), SENTINEL_TEST_MINUTE_MS: "50" };
    const sentinel = await startSentinel(runArgs(license, report, "wait"), env, clock.wrapper);
    const seen = await waitFor(() => readReport(report), "the software to start");
    expect(sentinel.proc.exitCode).toBeNull();
    clock.set(86_400_000);
    expect(await sentinel.exited).toBe(77);
    expect(sentinel.stderr()).toContain("license has expired");
    expect(isAlive(seen.pid)).toBe(false);
  },
  30_000,
);
