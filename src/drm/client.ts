// The DRM client (spec 4): builds, signs and sends the three calls, retries an
// unreachable one, and returns an Outcome value. Never touches the disk; never throws.
import { VERSION } from "../build-info.ts";
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import { detectPlatform } from "../platform.ts";
import { encodeUtf8 } from "../text/utf8.ts";
import type { Network } from "./network.ts";
import { type Classified, classifyExchange, type Outcome } from "./outcome.ts";
import { signedHeaders, userAgent } from "./request-signing.ts";
import { MAX_RESPONSE_BYTES } from "./response.ts";
import { type Endpoint, endpointUrl } from "./server-url.ts";
import { postOnce } from "./transport.ts";

export interface DrmClientOptions {
  baseUrl: URL;
  machineId: string;
  machineSecret: Uint8Array;
  orgPublicPoint: Uint8Array;
  /** Reported as `software_version` when a call does not name one; default the sentinel's VERSION. */
  softwareVersion?: string;
  /** Per attempt, covering headers and body. */
  timeoutMs?: number;
  /** Extra attempts after an unreachable one (spec 4.3: two). */
  retries?: number;
  /** Pause before retry i; the last value repeats. */
  backoffMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch, for the request timestamp. */
  now?: () => number;
  /** Trusted CAs and proxy (spec 14), from resolveNetwork(); absent: the runtime's roots, direct. */
  network?: Network;
}

export interface ActivateInput {
  licenseKey: string;
  machinePublicKeyPem: string;
  platform?: string;
  softwareVersion?: string;
}

export interface DrmClient {
  activate(input: ActivateInput): Promise<Outcome>;
  heartbeat(input: { licenseKey: string; softwareVersion?: string }): Promise<Outcome>;
  decommissionAck(input: { licenseKey: string }): Promise<Outcome>;
  /** Spec 15.3: gives this machine's seat back. */
  deactivate(input: { licenseKey: string }): Promise<Outcome>;
  /** Floating seats (spec 16.1): answers are also bound to `sessionId`. */
  lease(input: SeatInput): Promise<Outcome>;
  renewLease(input: SeatInput): Promise<Outcome>;
  releaseLease(input: SeatInput): Promise<Outcome>;
}

export interface SeatInput {
  licenseKey: string;
  sessionId: string;
  softwareVersion?: string;
}

export function createDrmClient(options: DrmClientOptions): DrmClient {
  const { baseUrl, machineId, machineSecret, orgPublicPoint } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? [500, 1500];
  const sleep = options.sleep ?? ((ms: number) => Bun.sleep(ms));
  const now = options.now ?? Date.now;
  const defaultVersion = options.softwareVersion ?? VERSION;
  const agent = userAgent(VERSION, detectPlatform());

  async function attempt(endpoint: Endpoint, licenseKey: string, body: Uint8Array, label: string, sessionId?: string): Promise<Classified> {
    const url = endpointUrl(baseUrl, endpoint);
    const nonce = crypto.randomUUID();
    const timestamp = Math.floor(now() / 1000);
    const headers = await signedHeaders({
      method: "POST",
      path: url.pathname,
      timestamp,
      nonce,
      body,
      machineId,
      machineSecret,
      userAgent: agent,
    });
    const exchange = await postOnce({ url, headers, body, timeoutMs, maxBytes: MAX_RESPONSE_BYTES, network: options.network });
    const classified = await classifyExchange(exchange, { orgPublicPoint, nonce, machineId, licenseKey, sessionId });
    const { failedCheck } = classified;
    if (failedCheck) log.warn(`DRM ${endpoint} response failed verification (${label}): ${failedCheck} check`);
    return classified;
  }

  async function call(endpoint: Endpoint, licenseKey: string, fields: Record<string, string>): Promise<Outcome> {
    const sessionId = fields.session_id;
    // The exact bytes signed are the bytes sent: serialise once.
    const body = encodeUtf8(JSON.stringify({ license_key: licenseKey, machine_id: machineId, ...fields }));
    let last: Classified = { outcome: { class: "unreachable", reason: "not attempted" } };
    for (let i = 0; i <= retries; i++) {
      if (i > 0) await sleep(backoffMs[Math.min(i - 1, backoffMs.length - 1)] ?? 0);
      // The attempt number also keeps consola from folding repeated warnings into one.
      const label = `attempt ${i + 1}/${retries + 1}`;
      try {
        last = await attempt(endpoint, licenseKey, body, label, sessionId);
      } catch (error) {
        // Defensive: a bug below must not crash the sentinel mid-heartbeat.
        last = { outcome: { class: "unreachable", reason: `request failed: ${describeError(error)}` } };
      }
      const { outcome } = last;
      if (outcome.class !== "unreachable") return outcome;
      log.debug(`DRM ${endpoint} ${label} unreachable: ${outcome.reason}`);
    }
    // Spec 14.1: the log names why (a TLS failure, the proxy), unless a failed check was just named.
    if (!last.failedCheck && last.outcome.class === "unreachable") log.warn(`DRM ${endpoint} unreachable: ${last.outcome.reason}`);
    return last.outcome;
  }

  return {
    activate: ({ licenseKey, machinePublicKeyPem, platform, softwareVersion }) =>
      call("activate", licenseKey, {
        machine_public_key_pem: machinePublicKeyPem,
        platform: platform ?? detectPlatform(),
        software_version: softwareVersion ?? defaultVersion,
      }),
    heartbeat: ({ licenseKey, softwareVersion }) => call("heartbeat", licenseKey, { software_version: softwareVersion ?? defaultVersion }),
    decommissionAck: ({ licenseKey }) => call("decommissionAck", licenseKey, {}),
    deactivate: ({ licenseKey }) => call("deactivate", licenseKey, {}),
    lease: ({ licenseKey, sessionId, softwareVersion }) =>
      call("lease", licenseKey, { session_id: sessionId, software_version: softwareVersion ?? defaultVersion }),
    renewLease: ({ licenseKey, sessionId }) => call("leaseRenew", licenseKey, { session_id: sessionId }),
    releaseLease: ({ licenseKey, sessionId }) => call("leaseRelease", licenseKey, { session_id: sessionId }),
  };
}
