// Lengths of time the STANDARD flow waits for: real in release builds; in test builds
// (spec 10) they scale with SENTINEL_TEST_MINUTE_MS so heartbeat tests run in seconds.
import { TEST_BUILD } from "../build-info.ts";
import { DEFAULT_LOCK_TIMEOUT_MS } from "../storage/lock.ts";
import { WALL_CHECK_MS } from "./heartbeat-loop.ts";

const REAL_MINUTE_MS = 60_000;

/** The length of a licence "minute": real in release builds, shortened by tests in test builds. */
export function minuteMs(): number {
  const scaled = Number(TEST_BUILD ? process.env.SENTINEL_TEST_MINUTE_MS : undefined);
  return Number.isFinite(scaled) && scaled > 0 ? scaled : REAL_MINUTE_MS;
}

/** How often the waiting loop looks at the wall clock: every (licence) minute. */
export function wallCheckMs(): number {
  return Math.min(WALL_CHECK_MS, minuteMs());
}

/** How long a save waits for the state lock (a jammed lock must not stall a heartbeat for long); never under a second. */
export function lockTimeoutMs(): number {
  return Math.max(1_000, Math.round((DEFAULT_LOCK_TIMEOUT_MS * minuteMs()) / REAL_MINUTE_MS));
}
