// The proxy choice of spec 14.2, table-tested: which variable wins, NO_PROXY forms,
// loopback never proxied, credentials masked and never echoed in errors.
import { describe, expect, test } from "bun:test";
import { bypassesProxy, maskProxyUrl, parseProxyUrl, selectProxy } from "../../src/drm/proxy.ts";

const HTTPS = new URL("https://drm.vendor.example/api");
const HTTP = new URL("http://drm.vendor.example:8080/api");

describe("selectProxy: which proxy", () => {
  const cases: [string, URL, string | undefined, Record<string, string>, string | null][] = [
    ["nothing set: direct", HTTPS, undefined, {}, null],
    [
      "--proxy beats everything",
      HTTPS,
      "http://flag:1",
      { SENTINEL_PROXY: "http://env:2", HTTPS_PROXY: "http://https:3" },
      "http://flag:1/",
    ],
    [
      "SENTINEL_PROXY beats HTTPS_PROXY",
      HTTPS,
      undefined,
      { SENTINEL_PROXY: "http://env:2", HTTPS_PROXY: "http://https:3" },
      "http://env:2/",
    ],
    ["HTTPS_PROXY for https", HTTPS, undefined, { HTTPS_PROXY: "http://https:3", HTTP_PROXY: "http://plain:4" }, "http://https:3/"],
    ["https_proxy (lower case) for https", HTTPS, undefined, { https_proxy: "http://lower:5" }, "http://lower:5/"],
    [
      "HTTPS_PROXY beats https_proxy",
      HTTPS,
      undefined,
      { HTTPS_PROXY: "http://upper:6", https_proxy: "http://lower:5" },
      "http://upper:6/",
    ],
    ["HTTP_PROXY is not used for https", HTTPS, undefined, { HTTP_PROXY: "http://plain:4" }, null],
    ["HTTP_PROXY for http", HTTP, undefined, { HTTP_PROXY: "http://plain:4", HTTPS_PROXY: "http://https:3" }, "http://plain:4/"],
    ["http_proxy for http", HTTP, undefined, { http_proxy: "http://plain:7" }, "http://plain:7/"],
    ["ALL_PROXY is not a spec variable", HTTPS, undefined, { ALL_PROXY: "http://all:8" }, null],
    ["a bare host:port is http://", HTTPS, "proxy.corp:3128", {}, "http://proxy.corp:3128/"],
    ["an empty --proxy falls through to the variables", HTTPS, "", { HTTPS_PROXY: "http://https:3" }, "http://https:3/"],
  ];
  for (const [name, target, flag, env, expected] of cases) {
    test(name, () => {
      expect(selectProxy(target, { flag, env })?.url.href ?? null).toBe(expected);
    });
  }

  test("the source is named for error messages", () => {
    expect(selectProxy(HTTPS, { env: { https_proxy: "http://p:1" } })?.source).toBe("https_proxy");
    expect(selectProxy(HTTPS, { flag: "http://p:1", env: {} })?.source).toBe("--proxy");
  });
});

describe("loopback hosts are never proxied", () => {
  for (const url of ["http://localhost:8080/", "http://127.0.0.1:9/", "http://127.9.9.9/", "http://[::1]:80/", "https://localhost/"]) {
    test(url, () => {
      expect(selectProxy(new URL(url), { flag: "http://p:1", env: { HTTP_PROXY: "http://p:1", HTTPS_PROXY: "http://p:1" } })).toBeNull();
    });
  }
});

describe("NO_PROXY", () => {
  const cases: [string, string, boolean][] = [
    ["drm.vendor.example", "https://drm.vendor.example/", true],
    ["DRM.Vendor.Example", "https://drm.vendor.example/", true],
    ["vendor.example", "https://drm.vendor.example/", true],
    [".vendor.example", "https://drm.vendor.example/", true],
    ["*.vendor.example", "https://drm.vendor.example/", true],
    [".vendor.example", "https://vendor.example/", true],
    ["vendor.example", "https://notvendor.example/", false],
    ["example.com", "https://drm.vendor.example/", false],
    ["other.example, drm.vendor.example", "https://drm.vendor.example/", true],
    ["other.example drm.vendor.example", "https://drm.vendor.example/", true],
    ["*", "https://anything.example/", true],
    ["10.1.2.3", "https://10.1.2.3/", true],
    ["10.1.2.3", "https://10.1.2.4/", false],
    ["drm.vendor.example:443", "https://drm.vendor.example/", true],
    ["drm.vendor.example:8443", "https://drm.vendor.example/", false],
    ["drm.vendor.example:8443", "https://drm.vendor.example:8443/", true],
    ["10.1.2.3:8443", "https://10.1.2.3:8443/", true],
    ["[fd00::5]", "https://[fd00::5]/", true],
    ["fd00::5", "https://[fd00::5]/", true],
    ["[fd00::5]:443", "https://[fd00::5]/", true],
    ["[fd00::5]:8443", "https://[fd00::5]/", false],
    ["drm.vendor.example.", "https://drm.vendor.example/", true],
    ["", "https://drm.vendor.example/", false],
    [",,", "https://drm.vendor.example/", false],
  ];
  for (const [noProxy, url, bypass] of cases) {
    test(`${JSON.stringify(noProxy)} ${bypass ? "bypasses" : "keeps"} the proxy for ${url}`, () => {
      expect(bypassesProxy(new URL(url), noProxy)).toBe(bypass);
    });
  }

  test("NO_PROXY beats no_proxy, and it applies to --proxy too", () => {
    const env = { NO_PROXY: "other.example", no_proxy: "vendor.example" };
    expect(selectProxy(HTTPS, { flag: "http://p:1", env })).not.toBeNull();
    expect(selectProxy(HTTPS, { flag: "http://p:1", env: { no_proxy: "vendor.example" } })).toBeNull();
  });
});

describe("proxy URLs and credentials", () => {
  test("credentials are masked wherever the proxy is shown", () => {
    const choice = selectProxy(HTTPS, { env: { HTTPS_PROXY: "http://user:pa%40ss@proxy.corp:3128" } });
    expect(choice?.shown).toBe("http://user:***@proxy.corp:3128/");
    expect(choice?.url.password).toBe("pa%40ss");
    expect(maskProxyUrl(new URL("http://tokenonly@proxy:1"))).toBe("http://***@proxy:1/");
  });

  test("an https://, socks or unparsable proxy is a usage error that does not echo the password", () => {
    expect(() => parseProxyUrl("https://u:secret@proxy:8443", "HTTPS_PROXY")).toThrow(
      "proxy URL in HTTPS_PROXY must use http:// (got https://proxy:8443)",
    );
    expect(() => parseProxyUrl("socks5://proxy:1080", "--proxy")).toThrow("must use http://");
    try {
      parseProxyUrl("http://u:secret@[bad", "SENTINEL_PROXY");
      throw new Error("no error");
    } catch (error) {
      expect(String(error)).toContain("invalid proxy URL in SENTINEL_PROXY");
      expect(String(error)).not.toContain("secret");
    }
  });
});
