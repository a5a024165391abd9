import { describe, expect, test } from "bun:test";
import { endpointUrl, resolveServerUrl } from "../../src/drm/server-url.ts";
import { UsageError } from "../../src/errors.ts";

function refusal(flag: string | undefined, licence?: string): UsageError {
  try {
    resolveServerUrl(flag, licence);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("expected a UsageError");
}

describe("resolveServerUrl", () => {
  test("the flag beats the licence", () => {
    expect(resolveServerUrl("https://flag.example", "https://licence.example").host).toBe("flag.example");
    expect(resolveServerUrl(undefined, "https://licence.example").host).toBe("licence.example");
    expect(resolveServerUrl("", "https://licence.example").host).toBe("licence.example");
  });

  test("neither: usage error 64 with the spec's message", () => {
    const error = refusal(undefined, undefined);
    expect(error.exitCode).toBe(64);
    expect(error.message).toBe("--server-url is required for STANDARD licenses");
  });

  test.each([
    "https://drm.example.com",
    "http://localhost:8080",
    "http://127.0.0.1:9000",
    "http://127.45.6.7",
    "http://[::1]:8443",
    "HTTP://LOCALHOST",
  ])("accepts %s", (url) => {
    expect(() => resolveServerUrl(url, undefined)).not.toThrow();
  });

  test.each(["http://drm.example.com", "http://10.0.0.1", "ftp://127.0.0.1", "file:///etc/passwd", "ws://localhost"])(
    "refuses %s naming it (exit 64)",
    (url) => {
      const error = refusal(url);
      expect(error.exitCode).toBe(64);
      expect(error.message).toContain(new URL(url).host || new URL(url).protocol);
    },
  );

  test("refuses what is not a URL", () => {
    expect(refusal("drm.example.com").message).toBe("invalid DRM server URL: drm.example.com");
  });

  test("keeps a path prefix and appends endpoint paths to it", () => {
    const base = resolveServerUrl("https://h.example/drm/", undefined);
    expect(base.pathname).toBe("/drm");
    expect(endpointUrl(base, "activate").href).toBe("https://h.example/drm/api/v1/drm/activate/");
    expect(endpointUrl(resolveServerUrl("https://h.example", undefined), "decommissionAck").href).toBe(
      "https://h.example/api/v1/drm/decommission-ack/",
    );
  });
});

describe("security: server URL", () => {
  test.each(["http://localhost.evil.example", "http://127.0.0.1.nip.io", "http://[::ffff:127.0.0.1]", "http://0.0.0.0", "http://[::]"])(
    "a host that only looks like loopback is not: %s",
    (url) => {
      expect(refusal(url).exitCode).toBe(64);
    },
  );

  test("loopback spellings URL normalises still count as loopback", () => {
    expect(resolveServerUrl("http://127.1", undefined).hostname).toBe("127.0.0.1");
    expect(resolveServerUrl("http://[0:0:0:0:0:0:0:1]", undefined).hostname).toBe("[::1]");
  });

  test.each(["https://user:secret@h.example", "https://h.example/?a=1", "https://h.example/#frag"])(
    "no credentials, query or fragment: %s",
    (url) => {
      const error = refusal(url);
      expect(error.exitCode).toBe(64);
      expect(error.message).not.toContain("secret");
    },
  );
});
