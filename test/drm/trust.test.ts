// Which extra CA files are read (spec 14.1): flags first, then SENTINEL_CA_FILE split
// by the platform's separator, then NODE_EXTRA_CA_CERTS; empty entries and repeats dropped.
import { expect, test } from "bun:test";
import { resolveNetwork } from "../../src/drm/network.ts";
import { extraCaFiles } from "../../src/drm/trust.ts";
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
