// Which extra CA files are read (spec 14.1): flags first, then SENTINEL_CA_FILE split
// by the platform's separator, then NODE_EXTRA_CA_CERTS; empty entries and repeats dropped.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveNetwork } from "../../src/drm/network.ts";
import { extraCaFiles, trustedCas } from "../../src/drm/trust.ts";
import { UsageError } from "../../src/errors.ts";

test.each([
  ["nothing", [], {}, "linux", []],
  ["flags in order", ["/a.pem", "/b.pem"], {}, "linux", ["/a.pem", "/b.pem"]],
  ["':' on POSIX", [], { SENTINEL_CA_FILE: "/a.pem:/b.pem" }, "linux", ["/a.pem", "/b.pem"]],
  ["';' on Windows, where ':' is part of a path", [], { SENTINEL_CA_FILE: "C:\\a.pem;D:\\b.pem" }, "win32", ["C:\\a.pem", "D:\\b.pem"]],
  [
    "flags, then SENTINEL_CA_FILE, then NODE_EXTRA_CA_CERTS",
    ["/f.pem"],
    { SENTINEL_CA_FILE: "/s.pem", NODE_EXTRA_CA_CERTS: "/n.pem" },
    "darwin",
    ["/f.pem", "/s.pem", "/n.pem"],
  ],
  ["empty entries and repeats dropped", ["/a.pem"], { SENTINEL_CA_FILE: ":/a.pem::", NODE_EXTRA_CA_CERTS: " " }, "linux", ["/a.pem"]],
] as const)("%s", (_, caFiles, env, platform, expected) => {
  expect(extraCaFiles({ caFiles, env, platform })).toEqual([...expected]);
});

test("an http:// (loopback) server needs no CA: its CA files are not read; an https:// one reads them, a missing one is 64", () => {
  const env = { NODE_EXTRA_CA_CERTS: "/nonexistent/bundle.pem" };
  expect(resolveNetwork({ caFiles: ["/nonexistent/ca.pem"] }, env, new URL("http://127.0.0.1:8080/")).ca).toBeUndefined();
  expect(() => resolveNetwork({}, env, new URL("https://drm.example.com/"))).toThrow(UsageError);
  expect(() => resolveNetwork({}, env, new URL("https://drm.example.com/"))).toThrow("cannot read CA file /nonexistent/bundle.pem");
});

test("NODE_EXTRA_CA_CERTS alone, as the process started with it: checked (64 without a certificate), then left to the runtime's own store", () => {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-trust-"));
  const started = process.env.NODE_EXTRA_CA_CERTS;
  try {
    const pem = join(dir, "extra.pem");
    writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const junk = join(dir, "junk.pem");
    writeFileSync(junk, "not a certificate\n");
    process.env.NODE_EXTRA_CA_CERTS = pem;
    expect(trustedCas({ env: process.env })).toBeUndefined();
    // With another CA file the list is built: the bundled roots, that file, and this one too.
    const other = join(dir, "other.pem");
    writeFileSync(other, "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
    const listed = trustedCas({ env: { ...process.env, SENTINEL_CA_FILE: other } }) ?? [];
    expect(listed.slice(-2).map((cert) => cert.split("\n")[1])).toEqual(["MIIC", "MIIB"]);
    process.env.NODE_EXTRA_CA_CERTS = junk;
    expect(() => trustedCas({ env: process.env })).toThrow(`CA file ${junk} holds no PEM certificate`);
  } finally {
    if (started === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = started;
    rmSync(dir, { recursive: true, force: true });
  }
});
