// When the next heartbeat is due (spec 12.8), as a pure rule over two clock readings:
// one interval after the previous beat finished, by the monotonic or the wall clock,
// whichever gets there first. No timers here; the loop re-asks at least every check.

/** One reading of both clocks, in milliseconds. */
export interface ClockReading {
  /** Monotonic (performance.now): never turned back, but may stop while the machine sleeps. */
  mono: number;
  /** Wall clock (Date.now): runs on through a suspend, but may be turned back. */
  wall: number;
}

export interface Clock {
  read(): ClockReading;
}

export const systemClock: Clock = { read: () => ({ mono: performance.now(), wall: Date.now() }) };

/**
 * Milliseconds until the beat is due, 0 when it is due now. A clock turned back makes
 * the wall clock's answer later, so the monotonic one decides; a suspend stops the
 * monotonic clock, so the wall clock decides.
 */
export function msUntilDue(finished: ClockReading, now: ClockReading, intervalMs: number): number {
  const byMonotonic = intervalMs - (now.mono - finished.mono);
  const byWall = intervalMs - (now.wall - finished.wall);
  return Math.max(0, Math.min(byMonotonic, byWall));
}

/** How long to sleep before looking again: until due, but never longer than `checkMs`. */
export function nextWakeMs(finished: ClockReading, now: ClockReading, intervalMs: number, checkMs: number): number {
  return Math.min(msUntilDue(finished, now, intervalMs), checkMs);
}
