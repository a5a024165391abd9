// Floating seats (spec 16.2) as pure decisions: what a lease or renewal answer
// means, when the next renewal is due and when the lease runs out. Times are
// milliseconds on a monotonic clock, passed in; no timers, no I/O, no logging.
import { isDecommissionRequested, type Outcome, parseRespondedAt, payloadStatus } from "../drm/outcome.ts";
import { statusVerdict, type Verdict } from "./policy.ts";

/** A seat held: when its verified answer arrived and how long it lasts from then. */
export interface Lease {
  /** Monotonic milliseconds at the arrival of the verified answer. */
  receivedAt: number;
  /** `lease_expires_at − responded_at`: the server's length, immune to the local wall clock. */
  lengthMs: number;
  /** As the server signed it, for IPC `get_status`. */
  expiresAt: string;
  seatsUsed: number;
  seatsTotal: number;
}

export const leaseDeadline = (lease: Lease) => lease.receivedAt + lease.lengthMs;
export const renewalDue = (lease: Lease) => lease.receivedAt + lease.lengthMs / 2;

const count = (value: unknown) => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : null);

/** A verified `LEASED` payload as a lease, or null when its times or seat counts are unusable. */
export function readLease(payload: Record<string, unknown>, receivedAt: number): Lease | null {
  const expires = parseRespondedAt(payload.lease_expires_at);
  const responded = parseRespondedAt(payload.responded_at);
  const seatsUsed = count(payload.seats_used);
  const seatsTotal = count(payload.seats_total);
  if (expires === undefined || responded === undefined || expires <= responded || seatsUsed === null || seatsTotal === null) return null;
  return { receivedAt, lengthMs: (expires - responded) * 1000, expiresAt: payload.lease_expires_at as string, seatsUsed, seatsTotal };
}

export type LeaseDecision =
  | { kind: "leased"; lease: Lease }
  /** No seat free: ask again at `at` (monotonic), telling the customer how full it is. */
  | { kind: "wait"; at: number; used: number; total: number }
  | { kind: "stop"; exit: "temporary" | "denied" | "unavailable"; message: string };

export interface LeaseContext {
  /** Monotonic milliseconds now (the answer's arrival). */
  now: number;
  /** Monotonic milliseconds when this request was sent: the next one goes 5 s after it. */
  askedAt: number;
  /** Monotonic milliseconds when `--wait-for-seat` runs out; null without the flag. */
  waitUntil: number | null;
  retryMs: number;
  /** The licence's `max_concurrent`, shown when the server's message does not name the count. */
  maxConcurrent: number;
}

/** The seat count in `All <n> concurrent seats are in use.`: display only, since the message is unsigned. */
function seatsNamed(message: string): number | null {
  const match = /^All (\d{1,9}) concurrent seats are in use\.$/.exec(message);
  return match ? Number(match[1]) : null;
}

/** Step 1: the lease before launch. Never on grace: an unreachable server stops the start. */
export function decideLease(outcome: Outcome, context: LeaseContext): LeaseDecision {
  if (outcome.class === "unreachable")
    return { kind: "stop", exit: "unavailable", message: "floating seat lease failed: DRM server unreachable" };
  if (outcome.class === "rejected") {
    if (outcome.httpStatus !== 409) return { kind: "stop", exit: "denied", message: `floating seat refused: ${outcome.message}` };
    const { now, waitUntil } = context;
    if (waitUntil === null || now >= waitUntil) return { kind: "stop", exit: "temporary", message: outcome.message };
    const total = seatsNamed(outcome.message) ?? context.maxConcurrent;
    return { kind: "wait", at: Math.min(context.askedAt + context.retryMs, waitUntil), used: total, total };
  }
  const status = payloadStatus(outcome.payload) ?? "(none)";
  if (status !== "LEASED") {
    const verdict = statusVerdict(status, false);
    return { kind: "stop", exit: "denied", message: verdict.kind === "deny" ? verdict.message : `unexpected lease status: ${status}` };
  }
  const lease = readLease(outcome.payload, context.now);
  if (!lease) return { kind: "stop", exit: "unavailable", message: "floating seat lease failed: unusable lease answer" };
  return { kind: "leased", lease };
}

export type RenewalDecision =
  | { kind: "renewed"; lease: Lease }
  /** The server no longer holds the seat (`LEASE_LOST`). */
  | { kind: "lost" }
  /** A licence status in a verified renewal, acted on as 8.4 says. */
  | { kind: "verdict"; verdict: Verdict }
  /** A miss: try again at `at` (monotonic); the deadline, not this, decides when the seat is lost. */
  | { kind: "retry"; at: number; reason: string };

/** Step 3: one renewal answer, arrived at `now`. */
export function decideRenewal(outcome: Outcome, now: number, retryMs: number): RenewalDecision {
  const retry = (reason: string): RenewalDecision => ({ kind: "retry", at: now + retryMs, reason });
  if (outcome.class === "unreachable") return retry(outcome.reason);
  if (outcome.class === "rejected") return retry(`refused: ${outcome.message}`);
  const status = payloadStatus(outcome.payload) ?? "(none)";
  if (status === "LEASE_LOST") return { kind: "lost" };
  if (status === "LEASED") {
    const lease = readLease(outcome.payload, now);
    return lease ? { kind: "renewed", lease } : retry("unusable lease answer");
  }
  const verdict = statusVerdict(status, isDecommissionRequested(outcome.payload));
  // A verified ACTIVE without a lease renews nothing: a miss, not a reason to stop.
  return verdict.kind === "continue" ? retry(`unexpected lease status: ${status}`) : { kind: "verdict", verdict };
}
