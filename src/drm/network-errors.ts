// Names a failed connection for the log and for `sentinel doctor` (spec 14.1–14.2):
// the TLS failure in words, and the proxy (credentials masked) when one was in the way.
import { describeError } from "../errors.ts";

/** OpenSSL/Node verification codes as Bun's fetch reports them, in the words of spec 14.1. */
const TLS_FAILURES: Record<string, string> = {
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "hostname mismatch",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in chain",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "certificate issuer not trusted",
  UNABLE_TO_GET_ISSUER_CERT: "certificate issuer not trusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "certificate issuer not trusted",
  CERT_UNTRUSTED: "certificate not trusted",
  CERT_REVOKED: "certificate revoked",
  CERT_SIGNATURE_FAILURE: "certificate signature invalid",
  INVALID_CA: "invalid CA certificate",
  ERR_TLS_HANDSHAKE_TIMEOUT: "TLS handshake timed out",
  ERR_SSL_WRONG_VERSION_NUMBER: "not a TLS server (wrong version number)",
};

export type FailureKind = "tls" | "proxy" | "dns" | "connect";

export interface NamedFailure {
  kind: FailureKind;
  /** One line: what failed, the proxy named where it was in the way. */
  reason: string;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL"]);

function codeOf(error: unknown): string | null {
  for (const candidate of [error, error instanceof Error ? error.cause : undefined]) {
    if (candidate && typeof candidate === "object" && "code" in candidate && typeof candidate.code === "string") return candidate.code;
  }
  return null;
}

/** The TLS failure in words, or null when `code` is not a TLS verification code. */
export function tlsFailureName(code: string | null): string | null {
  if (!code) return null;
  return TLS_FAILURES[code] ?? (/^(ERR_TLS_|ERR_SSL_|CERT_)/.test(code) ? code : null);
}

/** Classifies a fetch error. `proxy` is the masked proxy URL when the request went through one. */
export function nameNetworkFailure(error: unknown, proxy: string | null): NamedFailure {
  const code = codeOf(error);
  const tls = tlsFailureName(code);
  if (tls) return { kind: "tls", reason: `TLS failure: ${tls} (${code})` };
  const message = describeError(error).split(/\.(?:\s|$)/)[0] ?? "";
  if (code === "ERR_PROXY_TUNNEL") {
    // Bun: "Proxy refused to open a tunnel: 407 Proxy Authentication Required".
    const answer = message.replace(/^.*?tunnel:\s*/i, "");
    return { kind: "proxy", reason: `proxy ${proxy ?? "(unknown)"} refused the tunnel: ${answer}` };
  }
  const what = code ? `(${code})` : `: ${message}`;
  // Through a proxy every socket-level failure is the proxy's: the target is its to reach.
  if (proxy) return { kind: "proxy", reason: `proxy ${proxy} failed ${what}` };
  if (code && DNS_CODES.has(code)) return { kind: "dns", reason: `DNS lookup failed (${code})` };
  return { kind: "connect", reason: `connection failed ${what}` };
}
