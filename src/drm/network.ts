// The network settings of DRM requests (spec 14), resolved once from flags and
// environment: trusted CAs and the proxy choice. Threaded through one object.
import { type ProxyChoice, parseProxyUrl, selectProxy } from "./proxy.ts";
import { trustedCas } from "./trust.ts";

/** What the command line gives: `--proxy` and every `--ca-file`. */
export interface NetworkFlags {
  proxy?: string;
  caFiles?: readonly string[];
}

export interface Network {
  /** The `ca` for fetch (bundled roots plus extras), or undefined for the runtime's roots. */
  ca?: string[];
  /** The proxy for a request to `url`, or null for a direct connection. */
  proxyFor(url: URL): ProxyChoice | null;
}

/**
 * Reads the CA files and fixes the proxy rules; a bad CA file or proxy URL is a usage
 * error (64) now, not at the first request: `--proxy` and SENTINEL_PROXY always, the
 * standard variables when they apply to `check` (the server URL). An http:// server (only
 * loopback is allowed one) is never asked for a certificate: its CA files are not read, which
 * spares such a start node:tls and a system-wide NODE_EXTRA_CA_CERTS bundle (~8 ms, issue 15).
 */
export function resolveNetwork(flags: NetworkFlags = {}, env: Record<string, string | undefined> = process.env, check?: URL): Network {
  const ca = check?.protocol === "http:" ? undefined : trustedCas({ caFiles: flags.caFiles, env });
  if (flags.proxy?.trim()) parseProxyUrl(flags.proxy.trim(), "--proxy");
  else if (env.SENTINEL_PROXY?.trim()) parseProxyUrl(env.SENTINEL_PROXY.trim(), "SENTINEL_PROXY");
  const network: Network = { ca, proxyFor: (url) => selectProxy(url, { flag: flags.proxy, env }) };
  if (check) network.proxyFor(check);
  return network;
}

/**
 * The fetch options for a request to `url`. The proxy is always explicit: `false`
 * keeps Bun from applying HTTP(S)_PROXY/ALL_PROXY and its own NO_PROXY rules behind
 * our back, and `respectNoProxy: false` because NO_PROXY was already applied here.
 */
export function fetchNetworkOptions(network: Network | undefined, url: URL): { proxy: Bun.FetchProxyOption; tls?: { ca: string[] } } {
  const choice = network?.proxyFor(url) ?? null;
  const proxy: Bun.FetchProxyOption = choice ? { url: choice.url.href, respectNoProxy: false } : false;
  return network?.ca ? { proxy, tls: { ca: network.ca } } : { proxy };
}
