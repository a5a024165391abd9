// Timers of two kinds. A delay (a lease's renewal, a retry) runs on the monotonic
// clock and may be longer than setTimeout allows (about 24.8 days). A calendar
// deadline (licence expiry, the end of an offline window) is judged by the wall clock:
// setTimeout's monotonic clock stops while the machine sleeps, so it is looked at again
// at least every check (spec 12.8's rule, applied to deadlines).

const MAX_DELAY_MS = 2 ** 31 - 1;

export interface Timer {
  cancel(): void;
}

/** Calls `fn` once, `delayMs` from now on the monotonic clock (clamped at 0), chaining timeouts past the limit. */
export function scheduleAfter(delayMs: number, fn: () => void): Timer {
  let handle: ReturnType<typeof setTimeout>;
  const due = performance.now() + Math.max(0, delayMs);
  const arm = () => {
    const left = due - performance.now();
    handle = left > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}

export interface WallDeadlineOptions {
  /** How often the wall clock is looked at while waiting (at most 60 s; shorter in test builds). */
  checkMs: number;
  /** The wall clock (tests pass their own). */
  now?: () => number;
}

/** Calls `fn` once the wall clock reaches `dueMs`: after a suspend, at most `checkMs` late. */
export function scheduleAtWallTime(dueMs: number, fn: () => void, { checkMs, now = Date.now }: WallDeadlineOptions): Timer {
  let handle: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = dueMs - now();
    handle = left > 0 ? setTimeout(arm, Math.min(left, checkMs)) : setTimeout(fn, 0);
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}

/** A promise that resolves after `ms`, however long (a floating seat's retry; cancel it with Shutdown.race). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => scheduleAfter(ms, resolve));
}
