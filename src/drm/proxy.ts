// Which proxy, if any, a DRM request goes through (spec 14.2): --proxy, else
// SENTINEL_PROXY, else HTTPS_PROXY/HTTP_PROXY by scheme, minus NO_PROXY and loopback.
// Pure: the environment is passed in; nothing here touches the network.
import { UsageError } from "../errors.ts";
import { isLoopbackHost } from "./server-url.ts";

export interface ProxySettings {
  /** `--proxy`; beats every variable. */
  flag?: string;
  env: Record<string, string | undefined>;
}

export interface ProxyChoice {
  /** The proxy URL, credentials included: for the runtime only, never for a log. */
  url: URL;
  /** The proxy as it may be shown: `http://user:***@proxy:3128/`. */
  shown: string;
  /** Where it came from (`--proxy`, `HTTPS_PROXY`, …), for error messages. */
  source: string;
}

const DEFAULT_PORT: Record<string, string> = { "http:": "80", "https:": "443" };

/** The proxy URL with its password (and a bare username) replaced by `***`. */
export function maskProxyUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "***";
  else if (copy.username) copy.username = "***";
  return copy.href;
}

/** Parses a proxy URL; a bare `host:port` means `http://host:port` (as curl reads it). */
export function parseProxyUrl(text: string, source: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // The text may hold a password: never echo it.
    throw new UsageError(`invalid proxy URL in ${source}`);
  }
  if (url.protocol !== "http:") throw new UsageError(`proxy URL in ${source} must use http:// (got ${url.protocol}//${url.host})`);
  if (!url.hostname) throw new UsageError(`proxy URL in ${source} names no host`);
  return url;
}

/** The first non-empty variable among `names`, with the name it came from. */
function firstSet(env: Record<string, string | undefined>, names: string[]): { name: string; value: string } | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return null;
}

/** Unbracketed lowercase host and the effective port of `url`. */
function hostAndPort(url: URL): { host: string; port: string } {
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  return { host, port: url.port || DEFAULT_PORT[url.protocol] || "" };
}

/** One NO_PROXY entry: `*`, a host, `.suffix` or `suffix`, an IP, `[v6]`, each with an optional `:port`. */
function entryMatches(entry: string, host: string, port: string): boolean {
  if (entry === "*") return true;
  let name = entry;
  let entryPort: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (bracketed) [, name = "", entryPort] = bracketed;
  else if (withPort) [, name = "", entryPort] = withPort;
  if (entryPort !== undefined && entryPort !== port) return false;
  name = name.replace(/^\*?\./, "").replace(/\.$/, "");
  if (!name) return false;
  return host === name || host.endsWith(`.${name}`);
}

/** Whether NO_PROXY (`NO_PROXY` beats `no_proxy`) sends `url` direct. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const { host, port } = hostAndPort(url);
  return noProxy
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => entryMatches(entry, host, port));
}

/** The proxy for a request to `target`, or null for a direct connection. */
export function selectProxy(target: URL, { flag, env }: ProxySettings): ProxyChoice | null {
  if (isLoopbackHost(target.hostname)) return null;
  const explicit = flag?.trim() ? { name: "--proxy", value: flag.trim() } : firstSet(env, ["SENTINEL_PROXY"]);
  const byScheme = target.protocol === "https:" ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"];
  const chosen = explicit ?? firstSet(env, byScheme);
  if (!chosen) return null;
  if (bypassesProxy(target, firstSet(env, ["NO_PROXY", "no_proxy"])?.value)) return null;
  const url = parseProxyUrl(chosen.value, chosen.name);
  return { url, shown: maskProxyUrl(url), source: chosen.name };
}
