// The three outcome classes of a DRM call (spec 4.3) and the pure mapping from
// one HTTP exchange to its class. No network here; the client feeds it.
import { parseJsonObject } from "../crypto/signed-envelope.ts";
import { decodeUtf8OrNull } from "../text/utf8.ts";
import { type ExpectedResponse, type ResponseCheck, verifyResponse } from "./response.ts";

export type Outcome =
  | { class: "verified"; payload: Record<string, unknown> /** Unix seconds, from `responded_at`. */; respondedAt?: number }
  | { class: "rejected"; httpStatus: number; message: string }
  | { class: "unreachable"; reason: string };

/** What came back from one attempt; `body` is null when it was cut at the size limit. */
export type Exchange = { kind: "failed"; reason: string } | { kind: "response"; status: number; body: Uint8Array | null };

export interface Classified {
  outcome: Outcome;
  /** Set when a 200 failed verification, so the caller can warn naming the check. */
  failedCheck?: ResponseCheck;
}

const MAX_MESSAGE_CHARS = 500;

/** The server's error text, made safe to print: no control or bidi characters, bounded length. */
function cleanMessage(text: string): string {
  return text
    .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, " ")
    .trim()
    .slice(0, MAX_MESSAGE_CHARS);
}

function errorMessageOf(body: Uint8Array | null): string | null {
  const text = body && decodeUtf8OrNull(body);
  const object = text ? parseJsonObject(text) : null;
  return object && typeof object.error === "string" ? object.error : null;
}

export async function classifyExchange(exchange: Exchange, expected: ExpectedResponse): Promise<Classified> {
  if (exchange.kind === "failed") return { outcome: { class: "unreachable", reason: exchange.reason } };
  const { status, body } = exchange;
  if (status === 200) {
    const verification = await verifyResponse(body, expected);
    if (!verification.ok) {
      return {
        outcome: { class: "unreachable", reason: `response failed verification (${verification.failed})` },
        failedCheck: verification.failed,
      };
    }
    const respondedAt = parseRespondedAt(verification.payload.responded_at);
    const outcome: Outcome = { class: "verified", payload: verification.payload };
    if (respondedAt !== undefined) outcome.respondedAt = respondedAt;
    return { outcome };
  }
  if (status >= 300 && status < 400) return { outcome: { class: "unreachable", reason: `HTTP ${status} redirect (not followed)` } };
  if (status >= 400 && status < 500) {
    const message = errorMessageOf(body);
    if (message !== null) return { outcome: { class: "rejected", httpStatus: status, message: cleanMessage(message) || `HTTP ${status}` } };
    return { outcome: { class: "unreachable", reason: `HTTP ${status} without a JSON error` } };
  }
  return { outcome: { class: "unreachable", reason: `HTTP ${status}` } };
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** ISO 8601 with a zone (`Z` or `+00:00`, as Python writes it) to Unix seconds; anything else undefined. */
export function parseRespondedAt(value: unknown): number | undefined {
  if (typeof value !== "string" || !ISO_UTC.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** The payload's `status`, or null when it is missing or not a string. */
export function payloadStatus(payload: Record<string, unknown>): string | null {
  return typeof payload.status === "string" ? payload.status : null;
}

/** Spec 4.2: decommission is asked for by the status or by the flag, either one. */
export function isDecommissionRequested(payload: Record<string, unknown>): boolean {
  return payload.status === "DECOMMISSION_PENDING" || payload.decommission_pending === true;
}
