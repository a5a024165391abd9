// The doctor's network checks (spec 14.4, 5): server URL, CAs and proxy, DNS, TCP,
// the proxy tunnel, the TLS handshake (subject, expiry) and one unauthenticated GET.
// Each step needs the one before: the first failure ends the list.
import { lookup } from "node:dns/promises";
import { connect } from "node:net";
import { checkServerIdentity, type PeerCertificate, rootCertificates } from "node:tls";
import { fetchNetworkOptions, type Network, type NetworkFlags, resolveNetwork } from "../drm/network.ts";
import { nameNetworkFailure } from "../drm/network-errors.ts";
import { resolveServerUrl } from "../drm/server-url.ts";
import { trustedCas } from "../drm/trust.ts";
import { errno } from "../errno.ts";
import { describeError, ExitCode, SentinelError } from "../errors.ts";
import { type Check, fail, ok } from "./check.ts";

export interface NetworkInput {
  serverUrlFlag?: string;
  licenseUrl?: string;
  flags: NetworkFlags;
  env: Record<string, string | undefined>;
  timeoutMs: number;
}

export interface NetworkResult {
  checks: Check[];
  /** The server's Date header, when the GET got an answer. */
  serverDate?: string | null;
}

const unavailable = (name: string, detail: string, hint: string) => fail(name, detail, hint, ExitCode.unavailable);
const usage = (name: string, error: unknown, hint: string) =>
  fail(name, describeError(error), hint, error instanceof SentinelError ? error.exitCode : ExitCode.internal);

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs }, () => {
      socket.destroy();
      resolve();
    });
    socket.on("timeout", () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("error", reject);
  });
}

const errorText = (error: unknown) => {
  const code = errno(error);
  return typeof code === "string" ? code : describeError(error);
};

export async function networkChecks(input: NetworkInput): Promise<NetworkResult> {
  const checks: Check[] = [];
  let url: URL;
  let network: Network;
  try {
    url = resolveServerUrl(input.serverUrlFlag, input.licenseUrl);
    checks.push(ok("server-url", url.href));
  } catch (error) {
    return { checks: [usage("server-url", error, "pass --server-url https://… as your vendor documents it")] };
  }
  try {
    const extra = trustedCas({ caFiles: input.flags.caFiles, env: input.env });
    checks.push(ok("ca-files", extra ? `bundled roots + ${extra.length - rootCertificates.length} extra certificate(s)` : "bundled roots"));
  } catch (error) {
    return { checks: [...checks, usage("ca-files", error, "fix --ca-file, SENTINEL_CA_FILE or NODE_EXTRA_CA_CERTS")] };
  }
  try {
    network = resolveNetwork(input.flags, input.env, url);
  } catch (error) {
    return { checks: [...checks, usage("proxy", error, "fix --proxy, SENTINEL_PROXY or HTTPS_PROXY: http://[user:password@]host:port")] };
  }
  const proxy = network.proxyFor(url);
  checks.push(ok("proxy", proxy ? `${proxy.shown} (from ${proxy.source})` : "none: direct connection"));
  const hop = proxy ? { host: proxy.url.hostname.replace(/^\[|\]$/g, ""), port: Number(proxy.url.port || 80), what: "proxy" } : null;
  const target = hop ?? {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    what: "server",
  };

  try {
    const addresses = await withTimeout(lookup(target.host, { all: true }), input.timeoutMs);
    checks.push(ok("dns", `${target.what} ${target.host} → ${addresses.map((a) => a.address).join(", ")}`));
  } catch (error) {
    const hint = hop
      ? `check the proxy host name in ${proxy?.source}`
      : "check the server name and this machine's DNS settings; if only a proxy can resolve it, set HTTPS_PROXY";
    return { checks: [...checks, unavailable("dns", `cannot resolve ${target.what} ${target.host} (${errorText(error)})`, hint)] };
  }
  try {
    await tcpConnect(target.host, target.port, input.timeoutMs);
    checks.push(ok("tcp", `${target.what} ${target.host}:${target.port} accepts connections`));
  } catch (error) {
    const hint = hop
      ? `check that the proxy runs at ${target.host}:${target.port}`
      : `allow outbound TCP to ${target.host}:${target.port} in the firewall, or check that the server is up`;
    return {
      checks: [...checks, unavailable("tcp", `cannot connect to ${target.what} ${target.host}:${target.port} (${errorText(error)})`, hint)],
    };
  }
  return getBase(url, network, proxy?.shown ?? null, checks, input.timeoutMs);
}

const TLS_HINT: Record<string, string> = {
  "certificate has expired": "the server's certificate has expired: tell the vendor (or the IT team running the TLS-inspecting proxy)",
  "certificate is not yet valid": "this machine's clock may be behind: set it right (enable NTP)",
  "hostname mismatch": "the certificate is for another name: check --server-url, or whether a proxy intercepts the connection",
};
const TRUST_HINT =
  "if your company's TLS-inspecting proxy or a private CA signs this certificate, pass that CA with --ca-file or SENTINEL_CA_FILE";

/** One GET of the base URL: proves the tunnel, the TLS handshake and an HTTP answer, and reads Date. */
async function getBase(url: URL, network: Network, proxy: string | null, checks: Check[], timeoutMs: number): Promise<NetworkResult> {
  let peer: PeerCertificate | undefined;
  const route = fetchNetworkOptions(network, url);
  const tls = {
    ...route.tls,
    // Records the certificate; the identity check itself stays Node's.
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      peer = cert;
      return checkServerIdentity(host, cert);
    },
  };
  try {
    const response = await fetch(url.href, {
      method: "GET",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      proxy: route.proxy,
      tls,
    });
    await response.body?.cancel();
    if (proxy) checks.push(ok("tunnel", `${proxy} opened a tunnel to ${url.host}`));
    if (url.protocol === "https:")
      checks.push(
        ok(
          "tls",
          peer
            ? `${peer.subject?.CN ?? "(no CN)"}, issued by ${peer.issuer?.CN ?? "?"}, valid until ${peer.valid_to}`
            : "handshake verified",
        ),
      );
    checks.push(ok("http", `GET ${url.href} answered HTTP ${response.status}`));
    return { checks, serverDate: response.headers.get("date") };
  } catch (error) {
    const failure = nameNetworkFailure(error, proxy);
    if (failure.kind === "proxy") {
      const hint = /\b407\b/.test(failure.reason)
        ? "give the proxy credentials in its URL: http://user:password@proxy:port"
        : `ask your IT to allow CONNECT to ${url.host} through the proxy`;
      return { checks: [...checks, unavailable("tunnel", failure.reason, hint)] };
    }
    if (proxy) checks.push(ok("tunnel", `${proxy} opened a tunnel to ${url.host}`));
    if (failure.kind === "tls") {
      const named = failure.reason.replace(/^TLS failure: | \(.*$/g, "");
      return { checks: [...checks, unavailable("tls", failure.reason, TLS_HINT[named] ?? TRUST_HINT)] };
    }
    const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : failure.reason;
    return {
      checks: [...checks, unavailable("http", `GET ${url.href}: ${reason}`, "check that the server URL is right and the server is up")],
    };
  }
}
