// `sentinel doctor` (spec 14.4) on the compiled test build: a healthy setup passes
// every check, nothing on disk changes, and each fault a test can stage is named
// in the first failing line with the exit code of spec 9.3.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, runSentinel } from "../support/binary.ts";
import { REPO_ROOT } from "../support/paths.ts";
import { DRM_HOST, MISSING_PROXY_DAEMON, type ProxyDaemon, startTinyproxy } from "../support/proxy-daemon.ts";
import { startSentinel } from "../support/sentinel-process.ts";
import { endpointsSeen, type World } from "../support/standard-world.ts";
import { describeNeeding, firstMissing, missingCommand } from "../support/system.ts";
import { MISSING_OPENSSL, suiteCa } from "../support/test-ca.ts";
import { worldPerTest } from "../support/world-per-test.ts";
import { clockShifted } from "./attacks/clock.ts";

const newWorld = worldPerTest();

const HEALTHY = [
  "key",
  "license",
  "state-dir",
  "keystore",
  "socket-dir",
  "server-url",
  "ca-files",
  "proxy",
  "dns",
  "tcp",
  "tls",
  "http",
  "clock",
];
const firstFailure = (stdout: string) => stdout.split("\n").find((line) => line.startsWith("fail"));

/** Every path under `dir` with its mode and bytes: equal snapshots mean nothing changed. */
function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return ["(absent)"];
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      return `${name} ${stat.mode.toString(8)} ${stat.isFile() ? readFileSync(path).toString("base64") : "dir"}`;
    });
}

describeNeeding(MISSING_OPENSSL, "sentinel doctor", () => {
  const suite = suiteCa("Doctor Test CA");

  async function tlsWorld(names = ["localhost", "127.0.0.1"], urlHost = "localhost", dateSkewMs = 0): Promise<World> {
    const world = await newWorld({ server: { tls: suite.ca.issue({ names }), urlHost, dateSkewMs } });
    return world;
  }
  const doctor = (w: World, extra: string[] = [], env: Record<string, string | undefined> = {}) =>
    runSentinel(["doctor", "--license", w.licensePath, "--ca-file", suite.file, ...extra], { env: { ...w.env, ...env } });

  test("a healthy setup: every check ok, exit 0, --json in the spec's shape; no state directory made", async () => {
    const w = await tlsWorld();
    const stateDir = join(w.dir, "not-yet");
    const result = await doctor(w, ["--json"], { SENTINEL_STATE_DIR: stateDir });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Record<string, string>[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual(HEALTHY);
    for (const check of report.checks) expect(Object.keys(check)).toEqual(["name", "status", "detail", "hint"]);
    expect(report.checks.every((check) => check.status === "ok")).toBe(true);
    expect(report.checks.find((check) => check.name === "tls")?.detail).toMatch(/^localhost, issued by Doctor Test CA, valid until \w{3} /);
    expect(report.checks.find((check) => check.name === "http")?.detail).toMatch(/answered HTTP 404$/);
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(join(w.runtimeDir, "sentinel-drm"))).toBe(false);
  });

  test("after activation: one line per check, and the state directory byte-identical afterwards, no DRM call", async () => {
    const w = await tlsWorld();
    expect((await runSentinel(["activate", "--license", w.licensePath, "--ca-file", suite.file], { env: w.env })).exitCode).toBe(0);
    const before = [snapshot(w.stateDir), snapshot(w.runtimeDir)];
    const calls = await endpointsSeen(w);
    const result = await doctor(w);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.map((line) => line.split(/\s+/)[1])).toEqual(HEALTHY);
    expect(lines.find((line) => line.includes("keystore"))).toMatch(/file \(recorded: keystore.enc present\), opens; state for machine /);
    expect([snapshot(w.stateDir), snapshot(w.runtimeDir)]).toEqual(before);
    expect(await endpointsSeen(w)).toEqual(calls);
  });

  /** Stages one fault in a healthy world; returns the doctor's run. */
  const faults: [string, (w: World) => Promise<RunResult> | RunResult, string, string, number][] = [
    [
      "no embedded key (a build without one: the sources)",
      async (w) => {
        const proc = Bun.spawn(
          [process.execPath, join(REPO_ROOT, "src/main.ts"), "doctor", "--license", w.licensePath, "--ca-file", suite.file],
          {
            env: { ...process.env, ...w.env, NO_COLOR: "1" },
            stdout: "pipe",
            stderr: "pipe",
          },
        );
        const [stdout, stderr, exitCode] = await Promise.all([
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
          proc.exited,
        ]);
        return { stdout, stderr, exitCode };
      },
      "key",
      "built without an embedded organization public key",
      78,
    ],
    [
      "a bad licence (signature broken)",
      (w) => {
        const bad = join(w.dir, "bad.lic");
        const license = JSON.parse(readFileSync(w.licensePath, "utf8")) as { sig: string };
        writeFileSync(bad, JSON.stringify({ ...license, sig: `${license.sig.startsWith("A") ? "B" : "A"}${license.sig.slice(1)}` }));
        return runSentinel(["doctor", "--license", bad], { env: w.env });
      },
      "license",
      "license signature verification failed",
      65,
    ],
    [
      "an unwritable state directory (its parent is a file)",
      (w) => {
        writeFileSync(join(w.dir, "a-file"), "");
        return doctor(w, [], { SENTINEL_STATE_DIR: join(w.dir, "a-file", "state") });
      },
      "state-dir",
      "cannot be created",
      78,
    ],
    [
      "an unusable keystore (os, no D-Bus session)",
      (w) =>
        doctor(w, [], { SENTINEL_KEYSTORE: "os", DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/sentinel-bus", DISPLAY: undefined }),
      "keystore",
      "OS keystore unusable",
      78,
    ],
    [
      "a planted socket directory (a symbolic link)",
      (w) => {
        symlinkSync("/tmp", join(w.runtimeDir, "sentinel-drm"));
        return doctor(w);
      },
      "socket-dir",
      "it is a symbolic link",
      78,
    ],
    ["a missing CA file", (w) => doctor(w, ["--ca-file", join(w.dir, "corp-ca.pem")]), "ca-files", "cannot read CA file", 64],
    ["an https:// proxy", (w) => doctor(w, ["--proxy", "https://proxy.example:8443"]), "proxy", "must use http://", 64],
    [
      "a DNS failure",
      (w) => doctor(w, ["--server-url", "https://drm.sentinel.invalid"]),
      "dns",
      "cannot resolve server drm.sentinel.invalid",
      69,
    ],
    [
      "a refused port",
      (w) => doctor(w, ["--server-url", "https://127.0.0.1:9"]),
      "tcp",
      "cannot connect to server 127.0.0.1:9 (ECONNREFUSED)",
      69,
    ],
    [
      "an untrusted certificate",
      (w) => runSentinel(["doctor", "--license", w.licensePath], { env: w.env }),
      "tls",
      "TLS failure: self-signed certificate in chain",
      69,
    ],
  ];
  test.each(faults)("%s: named in the first failing line", async (_, stage, name, words, code) => {
    const result = await stage(await tlsWorld());
    expect(firstFailure(result.stdout)).toStartWith(`fail  ${name} `);
    expect(firstFailure(result.stdout)).toContain(words);
    expect(firstFailure(result.stdout)).toContain(" — ");
    expect(result.exitCode).toBe(code);
  });

  test("a server clock 2 hours off: a warning naming the skew, exit 0", async () => {
    const w = await tlsWorld(undefined, undefined, 2 * 3600_000);
    const result = await doctor(w);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\n").find((line) => !line.startsWith("ok"))).toMatch(
      /^warn {2}clock +this clock is 2 h behind the server's — /,
    );
  });

  describeNeeding(missingCommand("faketime", "faketime"), "clock behind last_seen (libfaketime)", () => {
    test("the clock set back two days after a start: fail naming the clock, 78", async () => {
      const w = await tlsWorld();
      expect((await runSentinel(["activate", "--license", w.licensePath, "--ca-file", suite.file], { env: w.env })).exitCode).toBe(0);
      // No licence or server: with the clock two days back, the TLS certificate would be "not yet valid" first.
      const back = await startSentinel(["doctor"], w.env, clockShifted("-2d"));
      expect(await back.exited).toBe(78);
      expect(firstFailure(back.stdout())).toMatch(/^fail {2}clock +this clock is \d+(\.\d)? h behind the last time this machine was seen/);
    });
  });

  describeNeeding(firstMissing(MISSING_PROXY_DAEMON), "through tinyproxy", () => {
    let proxy: ProxyDaemon;
    beforeAll(async () => {
      proxy = await startTinyproxy({ basicAuth: { user: "alice", password: "d0ctorPw" } });
    });
    afterAll(async () => proxy?.stop());

    test("proxy 407: named in the first failing line (tunnel), the proxy shown masked, 69", async () => {
      const w = await tlsWorld([DRM_HOST], DRM_HOST);
      const result = await doctor(w, ["--proxy", proxy.url({ user: "alice", password: "wrongPw" })]);
      expect(firstFailure(result.stdout)).toStartWith(
        `fail  tunnel      proxy http://alice:***@127.0.0.1:${proxy.port}/ refused the tunnel`,
      );
      expect(result.stdout).not.toContain("wrongPw");
      expect(result.exitCode).toBe(69);
      const good = await doctor(w, ["--proxy", proxy.url({ user: "alice", password: "d0ctorPw" })]);
      expect(good.exitCode).toBe(0);
      expect(good.stdout).toContain(`ok    proxy       http://alice:***@127.0.0.1:${proxy.port}/ (from --proxy)`);
    });
  });
});
