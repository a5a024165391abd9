// Timers that may be longer than setTimeout allows (about 24.8 days): a
// heartbeat interval or a licence expiry months away must not fire at once.

const MAX_DELAY_MS = 2 ** 31 - 1;

export interface Timer {
  cancel(): void;
}

/** Calls `fn` once, `delayMs` from now (clamped at 0), chaining timeouts past the limit. */
export function scheduleAfter(delayMs: number, fn: () => void): Timer {
  let handle: ReturnType<typeof setTimeout>;
  const due = Date.now() + Math.max(0, delayMs);
  const arm = () => {
    const left = due - Date.now();
    handle = left > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}

/** A promise that resolves after `ms`, however long (a floating seat's retry; cancel it with Shutdown.race). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => scheduleAfter(ms, resolve));
}
