// The STANDARD licence rules as pure functions (spec 8.2–8.4, 5.3): state and
// outcome in, decision out, the clock passed in. No timers, no I/O, no logging.
import { utcDay } from "../license/fields.ts";
import type { StandardLicense } from "../license/validate.ts";
import { freshState, type Loaded, type State, tamperedState } from "../state/state-record.ts";
import { offlineWindow } from "./offline-window.ts";

/** What the DRM client reports, reduced to what the rules need. */
export type CallOutcome =
  | { class: "verified"; status: string; decommission: boolean; respondedAt?: number }
  | { class: "rejected"; message: string }
  | { class: "unreachable"; reason: string };

export type Verdict =
  | { kind: "continue" }
  | { kind: "decommission" }
  | { kind: "deny"; message: string }
  | { kind: "grace"; remaining: number }
  | { kind: "exhausted"; message: string };

/** More than this far behind the latest time seen means the clock was turned back. */
export const CLOCK_TOLERANCE_SECONDS = 3600;

export const graceQuota = (license: StandardLicense) => license.heartbeatGracePeriodDays * 86_400;
export const intervalSeconds = (license: StandardLicense) => license.heartbeatIntervalMinutes * 60;

/**
 * Steps 3–4 and the tamper rule: the state to start from. A tampered state
 * starts over with a new machine id and no grace, so the server must be reached.
 */
export function startingState(loaded: Loaded, license: StandardLicense, now: number): State {
  if (loaded.kind === "none") return freshState(license.licenseKey, graceQuota(license), now);
  if (loaded.kind === "tampered") return tamperedState(license.licenseKey, now);
  const state = { ...loaded.state, last_seen: Math.max(loaded.state.last_seen, now) };
  if (state.license_key === license.licenseKey) return state;
  // An offline activation (and a request awaiting its answer) belongs to the licence it was made for.
  const { offline_until: _until, pending_offline_nonce: _pending, ...rest } = state;
  return {
    ...rest,
    activated: false,
    license_key: license.licenseKey,
    grace_remaining_seconds: graceQuota(license),
    grace_exhausted: false,
  };
}

/**
 * Spec 12.1: while the software runs the state in memory is authoritative, so a decision
 * the disk missed (a failed save) is never undone by re-loading: for the same machine and
 * licence, the lower grace, the exhausted flag and the latest times win.
 */
export function keepStricter(loaded: State, memory: State | undefined): State {
  if (!memory || memory.machine_id !== loaded.machine_id || memory.license_key !== loaded.license_key) return loaded;
  return {
    ...loaded,
    activated: loaded.activated && memory.activated,
    grace_remaining_seconds: Math.min(loaded.grace_remaining_seconds, memory.grace_remaining_seconds),
    grace_exhausted: loaded.grace_exhausted || memory.grace_exhausted,
    last_heartbeat_success: Math.max(loaded.last_heartbeat_success ?? 0, memory.last_heartbeat_success ?? 0) || null,
    last_seen: Math.max(loaded.last_seen, memory.last_seen),
  };
}

/** True when `now` is more than an hour behind the latest time this machine has seen. */
export function clockTurnedBack(state: State, now: number): boolean {
  return now < state.last_seen - CLOCK_TOLERANCE_SECONDS;
}

export interface StartupDecision {
  /** The clock is more than an hour behind `last_seen`: the server must be reached (no grace). */
  clockTurnedBack: boolean;
  /** The licence has expired when judged against `last_seen`: a clock turned back cannot hide it. */
  refusal?: string;
  /** The last day of an offline activation (15.2) that covers today, judged against `last_seen` too. */
  offlineUntil?: string;
}

/** Before any server contact: what the clock and the saved state allow, on one reading of the clock. */
export function decideStartup(state: State, license: StandardLicense, now: number): StartupDecision {
  const turnedBack = clockTurnedBack(state, now);
  const window = offlineWindow(state, license.licenseKey, now);
  return {
    clockTurnedBack: turnedBack,
    ...(turnedBack && utcDay(state.last_seen * 1000) > license.expiryDate
      ? { refusal: `license has expired (expiry: ${license.expiryDate})` }
      : {}),
    ...(window.kind === "inside" ? { offlineUntil: window.until } : {}),
  };
}

/** One missed heartbeat: consume an interval, clamped at 0; reaching 0 exhausts grace for good. */
export function consumeGrace(state: State, license: StandardLicense): State {
  const remaining = Math.max(0, state.grace_remaining_seconds - intervalSeconds(license));
  return { ...state, grace_remaining_seconds: remaining, grace_exhausted: state.grace_exhausted || remaining === 0 };
}

/** A verified answer: record the success and the latest trusted time; quota never restored. */
export function recordVerified(state: State, now: number, respondedAt?: number): State {
  return { ...state, last_heartbeat_success: now, last_seen: Math.max(state.last_seen, now, respondedAt ?? 0) };
}

/** Section 8.4: what a verified heartbeat's status asks for. */
export function statusVerdict(status: string, decommission: boolean): Verdict {
  if (decommission || status === "DECOMMISSION_PENDING") return { kind: "decommission" };
  switch (status) {
    case "ACTIVE":
      return { kind: "continue" };
    case "REVOKED":
      return { kind: "deny", message: "license has been revoked" };
    case "EXPIRED":
      return { kind: "deny", message: "license has expired" };
    case "SUSPENDED":
      return { kind: "deny", message: "license is suspended — contact your vendor" };
    default:
      return { kind: "deny", message: `unexpected license status: ${status}` };
  }
}

export interface HeartbeatDecision {
  /** The state to save before acting (unchanged when nothing changed). */
  state: State;
  verdict: Verdict;
}

/**
 * Step 6 (startup) and the loop (8.3) in one table. At startup a `rejected`
 * answer denies outright; in the loop it is a miss, since an unsigned error
 * proves nothing. A miss with no grace left (or, at startup, with the clock
 * turned back) exhausts; otherwise it consumes one interval.
 */
export function decideHeartbeat(
  state: State,
  outcome: CallOutcome,
  license: StandardLicense,
  now: number,
  phase: "startup" | "loop",
): HeartbeatDecision {
  if (outcome.class === "verified") {
    return { state: recordVerified(state, now, outcome.respondedAt), verdict: statusVerdict(outcome.status, outcome.decommission) };
  }
  if (outcome.class === "rejected" && phase === "startup")
    return { state, verdict: { kind: "deny", message: `startup heartbeat refused: ${outcome.message}` } };
  if (phase === "startup") {
    if (state.grace_exhausted || state.grace_remaining_seconds <= 0 || clockTurnedBack(state, now)) {
      return {
        state: { ...state, grace_exhausted: true },
        verdict: { kind: "exhausted", message: "server unreachable and grace period exhausted — cannot start" },
      };
    }
    const next = consumeGrace(state, license);
    return { state: next, verdict: { kind: "grace", remaining: next.grace_remaining_seconds } };
  }
  const next = consumeGrace(state, license);
  if (next.grace_exhausted) return { state: next, verdict: { kind: "exhausted", message: "grace period exhausted — shutting down" } };
  return { state: next, verdict: { kind: "grace", remaining: next.grace_remaining_seconds } };
}

/** Step 5: activation. Never runs on grace. */
export function decideActivation(state: State, outcome: CallOutcome, now: number): HeartbeatDecision {
  if (outcome.class === "unreachable")
    return { state, verdict: { kind: "exhausted", message: "activation failed: DRM server unreachable" } };
  if (outcome.class === "rejected") return { state, verdict: { kind: "deny", message: `activation refused: ${outcome.message}` } };
  if (outcome.status !== "ACTIVE")
    return { state, verdict: { kind: "deny", message: `activation refused: license status ${outcome.status}` } };
  return { state: { ...recordVerified(state, now, outcome.respondedAt), activated: true }, verdict: { kind: "continue" } };
}

/** When the UTC day after `lastDay` begins (spec 8.6, 15.2): the wall-clock instant a licence or an offline window ends. */
export function dayAfterMs(lastDay: string): number {
  return Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000;
}
