// The DRM server base URL (spec 4): flag over licence, https only (http for a
// loopback host), a path prefix kept. Pure: no network, no disk.
import { UsageError } from "../errors.ts";

export const ENDPOINTS = {
  activate: "/api/v1/drm/activate/",
  heartbeat: "/api/v1/drm/heartbeat/",
  decommissionAck: "/api/v1/drm/decommission-ack/",
  deactivate: "/api/v1/drm/deactivate/",
  lease: "/api/v1/drm/lease/",
  leaseRenew: "/api/v1/drm/lease/renew/",
  leaseRelease: "/api/v1/drm/lease/release/",
} as const;

export type Endpoint = keyof typeof ENDPOINTS;

/** 127.0.0.0/8, `localhost` and `[::1]`: URL has already normalised `127.1`, `0x7f.0.0.1` and `[0::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The URL as it can be shown: never with a password in it. */
function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

export function resolveServerUrl(flag: string | undefined, licenseUrl: string | undefined): URL {
  // An empty value (`--server-url=` or `"server_url": ""`) counts as not given.
  const text = flag?.trim() || licenseUrl?.trim();
  if (!text) throw new UsageError("--server-url is required for STANDARD licenses");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`invalid DRM server URL: ${text}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(`DRM server URL must not carry credentials, a query or a fragment: ${withoutCredentials(url)}`);
  }
  const httpAllowed = url.protocol === "http:" && isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !httpAllowed) {
    throw new UsageError(`DRM server URL must use https:// (http:// only for a loopback host): ${url.href}`);
  }
  // A trailing slash on the prefix would double up against the endpoint paths.
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

/** The endpoint appended to the base URL's path prefix (`https://h/drm` + `/api/v1/drm/activate/`). */
export function endpointUrl(base: URL, endpoint: Endpoint): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, "")}${ENDPOINTS[endpoint]}`;
  return url;
}
