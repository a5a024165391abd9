// Spec 14 on the compiled test build: activation and heartbeats over TLS directly,
// through tinyproxy (CONNECT, Basic, 407, NO_PROXY) and through a TLS-inspecting
// hop; every failure ends unreachable, with the exit code of spec 9.3 and a named reason.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startInspectingHop } from "../support/inspecting-hop.ts";
import { DRM_HOST, hostsWrapper, MISSING_PROXY_DAEMON, type ProxyDaemon, startTinyproxy, writeHostsFile } from "../support/proxy-daemon.ts";
import { fixtureRunArgs, startSentinel } from "../support/sentinel-process.ts";
import { endpointsSeen, type World } from "../support/standard-world.ts";
import { describeNeeding } from "../support/system.ts";
import { EXPIRED, type LeafOptions, MISSING_OPENSSL, makeTestCa, suiteCa } from "../support/test-ca.ts";
import { waitFor } from "../support/wait-for.ts";
import { worldPerTest } from "../support/world-per-test.ts";

const newWorld = worldPerTest();

/** A payload status rewritten in flight, the signature left as it was: what an altering gateway does. */
function forgeStatus(status: string) {
  return (body: string): string => {
    try {
      const envelope = JSON.parse(body) as { payload: string; sig: string };
      const payload = JSON.parse(Buffer.from(envelope.payload, "base64url").toString("utf8"));
      const forged = Buffer.from(JSON.stringify({ ...payload, status }), "utf8").toString("base64url");
      return JSON.stringify({ ...envelope, payload: forged });
    } catch {
      return body;
    }
  };
}

describeNeeding(MISSING_OPENSSL, "e2e over TLS", () => {
  const suite = suiteCa("Vendor Test CA");

  /** A STANDARD world whose server speaks TLS with a leaf from the test CA, its URL naming `urlHost`. */
  async function tlsWorld(leaf: LeafOptions, urlHost: string, license = {}): Promise<World> {
    const world = await newWorld({ server: { tls: suite.ca.issue(leaf), urlHost }, license, minuteMs: 1 });
    return world;
  }

  test("activation and loop heartbeats over https:// directly, the CA from the first of two --ca-file", async () => {
    const w = await tlsWorld({ names: ["localhost", "127.0.0.1"] }, "localhost", { heartbeat_interval_minutes: 20 });
    const unrelated = makeTestCa("Unrelated CA");
    const unrelatedFile = unrelated.certPath;
    // citty keeps only the last of a repeated flag: the trusted CA first proves every one is read.
    const sentinel = await w.start(["wait"], ["--ca-file", suite.file, `--ca-file=${unrelatedFile}`]);
    await waitFor(async () => ((await w.server.admin.requestCounts()).heartbeat ?? 0) >= 3, "three heartbeats over TLS");
    sentinel.proc.kill("SIGTERM");
    await sentinel.exited;
    expect((await endpointsSeen(w)).slice(0, 2)).toEqual(["activate", "heartbeat"]);
    expect(sentinel.stderr()).not.toContain("unreachable");
    unrelated.remove();
  });

  test("bad network settings are usage errors (64) before any state or request", async () => {
    const w = await tlsWorld({ names: ["localhost"] }, "localhost");
    const missing = await w.run(["exit", "0"], ["--ca-file", join(w.dir, "missing.pem")]);
    expect(missing.exitCode).toBe(64);
    expect(missing.stderr).toContain(`cannot read CA file ${join(w.dir, "missing.pem")}`);
    const proxy = await w.run(["exit", "0"], ["--proxy", "https://carol:topsecret@proxy.example:8443"]);
    expect(proxy.exitCode).toBe(64);
    expect(proxy.stderr).toContain("proxy URL in --proxy must use http:// (got https://proxy.example:8443)");
    expect(proxy.stderr).not.toContain("topsecret");
    expect(await endpointsSeen(w)).toEqual([]);
    expect(await w.status()).toBeNull();
  });

  test("the CA from SENTINEL_CA_FILE: run activates and heartbeats", async () => {
    const w = await tlsWorld({ names: ["localhost"] }, "localhost");
    const result = await startSentinel(fixtureRunArgs(w.licensePath, w.report), { ...w.env, SENTINEL_CA_FILE: suite.file });
    expect(await result.exited).toBe(0);
    expect(await endpointsSeen(w)).toEqual(["activate", "heartbeat"]);
  });

  test("the CA from NODE_EXTRA_CA_CERTS alone: run activates and heartbeats", async () => {
    const w = await tlsWorld({ names: ["localhost"] }, "localhost");
    const result = await startSentinel(fixtureRunArgs(w.licensePath, w.report), { ...w.env, NODE_EXTRA_CA_CERTS: suite.file });
    expect(await result.exited).toBe(0);
    expect(await endpointsSeen(w)).toEqual(["activate", "heartbeat"]);
  });

  test.each([
    ["untrusted", { names: ["localhost"] }, [], "self-signed certificate in chain"],
    ["expired", { names: ["localhost"], ...EXPIRED }, ["--ca-file"], "certificate has expired"],
    ["wrong-host", { names: ["elsewhere.example"] }, ["--ca-file"], "hostname mismatch"],
  ] as const)("%s certificate: activation unreachable, exit 69, the log names it", async (_, leaf, flags, named) => {
    const w = await tlsWorld(leaf, "localhost");
    const result = await w.run(["exit", "0"], flags.length ? [...flags, suite.file] : []);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain(`DRM activate unreachable: TLS failure: ${named}`);
    expect(result.stderr).toContain("activation failed: DRM server unreachable");
    expect(existsSync(w.report)).toBe(false);
    expect(await endpointsSeen(w)).toEqual([]);
  });

  describeNeeding(MISSING_PROXY_DAEMON, "through tinyproxy", () => {
    const auth = { user: "alice", password: "pr0xyPassw0rd" };
    let proxy: ProxyDaemon;
    beforeAll(async () => {
      proxy = await startTinyproxy({ basicAuth: auth });
    });
    afterAll(async () => proxy?.stop());
    const connects = () =>
      proxy
        .log()
        .split("\n")
        .filter((line) => line.includes(`CONNECT ${DRM_HOST}:`)).length;

    test("HTTPS_PROXY with Basic credentials: activation and heartbeats tunnelled, the password never printed", async () => {
      const w = await tlsWorld({ names: [DRM_HOST] }, DRM_HOST);
      const before = connects();
      const env = { ...w.env, HTTPS_PROXY: proxy.url(auth), SENTINEL_CA_FILE: suite.file };
      for (let i = 0; i < 2; i++) {
        const sentinel = await startSentinel([...fixtureRunArgs(w.licensePath, w.report), "--log-level", "debug"], env);
        expect(await sentinel.exited).toBe(0);
        expect(sentinel.stderr()).not.toContain(auth.password);
      }
      expect(await endpointsSeen(w)).toEqual(["activate", "heartbeat", "heartbeat"]);
      expect(connects()).toBeGreaterThan(before);
      // Once activated, a heartbeat the proxy refuses (407) is a miss: the software runs on grace.
      const refused = await startSentinel(fixtureRunArgs(w.licensePath, w.report), { ...env, HTTPS_PROXY: proxy.url() });
      expect(await refused.exited).toBe(0);
      expect(refused.stderr()).toContain("DRM heartbeat unreachable: proxy");
      expect(refused.stderr()).toContain("407 Proxy Authentication Required");
      expect(refused.stderr()).toContain("server unreachable, running on grace");
    });

    test("--proxy without credentials: the proxy answers 407, exit 69 naming the proxy", async () => {
      const w = await tlsWorld({ names: [DRM_HOST] }, DRM_HOST);
      const result = await w.run(["exit", "0"], ["--proxy", proxy.url(), "--ca-file", suite.file]);
      expect(result.exitCode).toBe(69);
      expect(result.stderr).toContain(`proxy ${proxy.url()}/ refused the tunnel: 407 Proxy Authentication Required`);
    });

    test("a proxy that refuses connections: exit 69 naming it, credentials masked", async () => {
      const w = await tlsWorld({ names: [DRM_HOST] }, DRM_HOST);
      const result = await w.run(["exit", "0"], ["--proxy", "http://bob:hunter2@127.0.0.1:9", "--ca-file", suite.file]);
      expect(result.exitCode).toBe(69);
      expect(result.stderr).toContain("proxy http://bob:***@127.0.0.1:9/ failed (ECONNREFUSED)");
      expect(result.stderr).not.toContain("hunter2");
    });

    test("NO_PROXY with a bare domain suffix goes direct, past a proxy that would refuse it", async () => {
      const w = await tlsWorld({ names: [DRM_HOST] }, DRM_HOST);
      const before = connects();
      // The sentinel resolves the name itself here, so it gets the hosts file the proxy has.
      const env = { ...w.env, HTTPS_PROXY: proxy.url(), NO_PROXY: "localhost,sentinel.test", SENTINEL_CA_FILE: suite.file };
      const sentinel = await startSentinel(fixtureRunArgs(w.licensePath, w.report), env, hostsWrapper(writeHostsFile(w.dir)));
      expect(await sentinel.exited).toBe(0);
      expect(await endpointsSeen(w)).toEqual(["activate", "heartbeat"]);
      expect(connects()).toBe(before);
    });
  });

  test("through a TLS-inspecting hop the customer trusts: unchanged bodies work, altered ones are misses", async () => {
    const inspection = makeTestCa("Corp Inspection CA");
    const inspectionFile = inspection.certPath;
    const w = await tlsWorld({ names: [DRM_HOST, "127.0.0.1"] }, DRM_HOST);
    const upstream = { upstreamOrigin: w.server.url.replace(DRM_HOST, "127.0.0.1"), upstreamCaPem: suite.ca.certPem, host: DRM_HOST };
    const clean = await startInspectingHop({ ca: inspection, ...upstream });
    const forging = await startInspectingHop({ ca: inspection, ...upstream, alter: forgeStatus("REVOKED") });
    try {
      // Only the inspection CA is trusted: a request that did not go through the hop would fail.
      const through = (hop: { url: string }) => ["--proxy", hop.url, "--ca-file", inspectionFile];
      const first = await w.run(["exit", "0"], through(clean));
      expect(first.exitCode).toBe(0);
      expect(clean.relayed()).toBe(2);
      const forged = await w.run(["exit", "0"], through(forging));
      expect(forged.exitCode).toBe(0);
      expect(forged.stderr).toContain("DRM heartbeat response failed verification (attempt 1/3): signature check");
      expect(forged.stderr).toContain("running on grace");
      expect(forging.relayed()).toBe(3);
      expect(await w.status()).toMatchObject({ activated: true });
    } finally {
      await clean.stop();
      await forging.stop();
      inspection.remove();
    }
  });
});
