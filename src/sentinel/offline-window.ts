// The offline window of spec 15.2 as pure rules: whether today is covered by an
// offline activation, and the state an accepted offline response leaves. Clock passed in.
import { utcDay } from "../license/fields.ts";
import type { State } from "../state/state-record.ts";

export type OfflineWindow = { kind: "none" } | { kind: "inside"; until: string } | { kind: "ended"; until: string };

/**
 * Today is judged against the later of the clock and `last_seen` (5.3), so a clock
 * turned back cannot stretch the window. Only an activated state for this licence has one.
 */
export function offlineWindow(state: State, licenseKey: string, now: number): OfflineWindow {
  const until = state.offline_until;
  if (until === undefined || !state.activated || state.license_key !== licenseKey) return { kind: "none" };
  const today = utcDay(Math.max(now, state.last_seen) * 1000);
  return today <= until ? { kind: "inside", until } : { kind: "ended", until };
}

/** An accepted response (15.2 step 3): activated, the window saved, the request answered. */
export function acceptOfflineActivation(state: State, accepted: { offlineUntil: string; respondedAt: number }, now: number): State {
  const { pending_offline_nonce: _answered, ...rest } = state;
  return {
    ...rest,
    activated: true,
    offline_until: accepted.offlineUntil,
    last_heartbeat_success: accepted.respondedAt,
    last_seen: Math.max(state.last_seen, now, accepted.respondedAt),
  };
}

/** A new request (15.2 step 1) replaces any earlier one still waiting: only the latest answer is accepted. */
export function awaitOfflineResponse(state: State, nonce: string): State {
  return { ...state, pending_offline_nonce: nonce };
}
