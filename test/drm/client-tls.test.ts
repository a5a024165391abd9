// The DRM client over real TLS and a real proxy (spec 14.1–14.2): the reference
// server on https:// with a test CA made here, tinyproxy for CONNECT, 407 and NO_PROXY.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { resolveNetwork } from "../../src/drm/network.ts";
import type { Outcome } from "../../src/drm/outcome.ts";
import { trustedCas } from "../../src/drm/trust.ts";
import { type DrmFixture, startDrmFixture } from "../support/drm-fixture.ts";
import { DRM_HOST, MISSING_PROXY_DAEMON, type ProxyDaemon, startTinyproxy } from "../support/proxy-daemon.ts";
import { describeNeeding, firstMissing } from "../support/system.ts";
import { EXPIRED, MISSING_OPENSSL, makeTestCa, suiteCa } from "../support/test-ca.ts";

const reasonOf = (outcome: Outcome) => (outcome.class === "unreachable" ? outcome.reason : `not unreachable: ${outcome.class}`);

describeNeeding(MISSING_OPENSSL, "DRM client over TLS", () => {
  const suite = suiteCa("Sentinel Test CA");
  const fixtures: DrmFixture[] = [];
  afterAll(async () => {
    for (const fixture of fixtures) await fixture.stop();
  });

  /** The reference server on TLS with a leaf for `names` (and dates), its URL naming `urlHost`. */
  async function tlsServer(names: string[], dates: { notBefore?: string; notAfter?: string } = {}, urlHost = "localhost") {
    const leaf = suite.ca.issue({ names, ...dates });
    const fixture = await startDrmFixture({ server: { tls: leaf, urlHost } });
    fixtures.push(fixture);
    return fixture;
  }

  test("trusted through --ca-file: activation and heartbeat verified over https://", async () => {
    const fixture = await tlsServer(["localhost", "127.0.0.1"]);
    expect(fixture.server.url).toStartWith("https://localhost:");
    const m = await fixture.machine({ network: resolveNetwork({ caFiles: [suite.file] }, {}) });
    expect((await m.activate()).class).toBe("verified");
    expect((await m.heartbeat()).class).toBe("verified");
  });

  test("each TLS failure is unreachable, named: untrusted, expired, wrong host", async () => {
    const good = await tlsServer(["localhost", "127.0.0.1"]);
    const expired = await tlsServer(["localhost", "127.0.0.1"], EXPIRED);
    const wrongHost = await tlsServer(["elsewhere.example"]);
    const trusted = resolveNetwork({ caFiles: [suite.file] }, {});
    expect(reasonOf(await (await good.machine({ network: resolveNetwork({}, {}) })).activate())).toBe(
      "TLS failure: self-signed certificate in chain (SELF_SIGNED_CERT_IN_CHAIN)",
    );
    expect(reasonOf(await (await expired.machine({ network: trusted })).activate())).toBe(
      "TLS failure: certificate has expired (CERT_HAS_EXPIRED)",
    );
    expect(reasonOf(await (await wrongHost.machine({ network: trusted })).activate())).toBe(
      "TLS failure: hostname mismatch (ERR_TLS_CERT_ALTNAME_INVALID)",
    );
    // Nothing reached the endpoint: the handshake failed before any request.
    for (const fixture of [good, expired, wrongHost]) expect(await fixture.server.admin.requestLog()).toEqual([]);
  });

  test("SENTINEL_CA_FILE (':'-separated) and NODE_EXTRA_CA_CERTS add to each other and to the bundled roots", async () => {
    const second = makeTestCa("Second Test CA");
    const secondFile = second.certPath;
    const other = await (async () => {
      const leaf = second.issue({ names: ["localhost"] });
      const fixture = await startDrmFixture({ server: { tls: leaf, urlHost: "localhost" } });
      fixtures.push(fixture);
      return fixture;
    })();
    const first = await tlsServer(["localhost"]);
    for (const network of [
      resolveNetwork({ caFiles: [suite.file] }, { NODE_EXTRA_CA_CERTS: secondFile }),
      resolveNetwork({}, { SENTINEL_CA_FILE: `${suite.file}:${secondFile}` }),
    ]) {
      expect((await (await first.machine({ network })).activate()).class).toBe("verified");
      expect((await (await other.machine({ network })).activate()).class).toBe("verified");
    }
    const env = { SENTINEL_CA_FILE: suite.file, NODE_EXTRA_CA_CERTS: secondFile };
    // Bun's `tls.ca` replaces the store, so the bundled roots must be in the list given.
    const cas = trustedCas({ env }) ?? [];
    expect(cas.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(cas.length).toBe(rootCertificates.length + 2);
    expect(trustedCas({ env: {} })).toBeUndefined();
    second.remove();
  });

  test("an unreadable or non-PEM CA file is a usage error (64) naming it", () => {
    expect(() => resolveNetwork({ caFiles: ["/nonexistent/ca.pem"] }, {})).toThrow("cannot read CA file /nonexistent/ca.pem");
    const junk = join(suite.ca.dir, "junk.pem");
    writeFileSync(junk, "not a certificate\n");
    expect(() => resolveNetwork({}, { SENTINEL_CA_FILE: junk })).toThrow(`CA file ${junk} holds no PEM certificate`);
  });

  describeNeeding(firstMissing(MISSING_PROXY_DAEMON), "through tinyproxy", () => {
    const auth = { user: "alice", password: "s3cretPw" };
    let proxy: ProxyDaemon;
    let server: DrmFixture;
    beforeAll(async () => {
      proxy = await startTinyproxy({ basicAuth: auth });
      server = await tlsServer([DRM_HOST], {}, DRM_HOST);
    });
    afterAll(async () => proxy?.stop());
    const via = (proxyUrl: string, env: Record<string, string> = {}) =>
      server.machine({ network: resolveNetwork({ proxy: proxyUrl, caFiles: [suite.file] }, env) });

    test("CONNECT with Basic credentials from the URL: verified, and the proxy saw the tunnel", async () => {
      const m = await via(proxy.url(auth));
      expect((await m.activate()).class).toBe("verified");
      expect((await m.heartbeat()).class).toBe("verified");
      expect(proxy.log()).toContain(`CONNECT ${DRM_HOST}:`);
    });

    test("no or wrong credentials: unreachable naming the proxy, password never shown", async () => {
      expect(reasonOf(await (await via(proxy.url())).activate())).toBe(
        `proxy ${proxy.url()}/ refused the tunnel: 407 Proxy Authentication Required`,
      );
      const wrong = reasonOf(await (await via(proxy.url({ user: "alice", password: "wrongPw" }))).activate());
      expect(wrong).toStartWith(`proxy http://alice:***@127.0.0.1:${proxy.port}/ refused the tunnel:`);
      expect(wrong).not.toContain("wrongPw");
    });

    test("a proxy that refuses connections: unreachable naming the proxy", async () => {
      const reason = reasonOf(await (await via("http://bob:hunter2@127.0.0.1:9")).activate());
      expect(reason).toBe("proxy http://bob:***@127.0.0.1:9/ failed (ECONNREFUSED)");
    });

    test("NO_PROXY sends the request direct (here: the test's own DNS, which does not know the name)", async () => {
      const reason = reasonOf(await (await via(proxy.url(), { NO_PROXY: "sentinel.test" })).activate());
      expect(reason).toBe("DNS lookup failed (ENOTFOUND)");
    });
  });
});

test("a proxy that accepts and never answers: unreachable at the deadline, naming the proxy", async () => {
  const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const fixture = await startDrmFixture();
  try {
    const proxy = `http://dave:pw123@127.0.0.1:${silent.port}`;
    const m = await fixture.machine({
      baseUrl: new URL("https://drm.sentinel.test"),
      timeoutMs: 300,
      retries: 0,
      network: resolveNetwork({ proxy }, {}),
    });
    expect(reasonOf(await m.activate())).toBe(
      `no complete response within 300 ms (through proxy http://dave:***@127.0.0.1:${silent.port}/)`,
    );
  } finally {
    silent.stop(true);
    await fixture.stop();
  }
});
