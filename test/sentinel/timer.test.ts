// Deadlines judged by the wall clock (a licence's last day, an offline window's end):
// a clock that jumps past the deadline, as after a suspend, fires at the next check.
import { describe, expect, test } from "bun:test";
import { delay, scheduleAfter, scheduleAtWallTime } from "../../src/sentinel/timer.ts";
import { waitFor } from "../support/wait-for.ts";

/** A callback that records that it ran. */
function flag() {
  const state = { fired: false, set: () => void Object.assign(state, { fired: true }) };
  return state;
}

/** A wall clock the test moves by hand; it does not advance by itself. */
function handClock(start: number) {
  let now = start;
  return {
    now: () => now,
    jump: (ms: number) => {
      now += ms;
    },
  };
}

describe("scheduleAtWallTime", () => {
  test("a wall clock that jumps past the deadline fires at the next check, not after the monotonic wait", async () => {
    const clock = handClock(1_000_000);
    const fired = flag();
    // An hour away by the wall clock, looked at every 10 ms.
    scheduleAtWallTime(1_000_000 + 3_600_000, fired.set, { checkMs: 10, now: clock.now });
    await delay(50);
    expect(fired.fired).toBe(false);
    clock.jump(3_600_000);
    await waitFor(() => fired.fired, "the deadline to fire after the jump", 2_000);
  });

  test("a deadline already passed fires at once; a cancelled one never", async () => {
    const passed = flag();
    const cancelled = flag();
    scheduleAtWallTime(Date.now() - 1, passed.set, { checkMs: 10 });
    scheduleAtWallTime(Date.now() + 20, cancelled.set, { checkMs: 5 }).cancel();
    await waitFor(() => passed.fired, "the passed deadline to fire", 2_000);
    await delay(60);
    expect(cancelled.fired).toBe(false);
  });

  test("a clock that stands still keeps it waiting: the wall clock decides, not the time spent", async () => {
    const clock = handClock(5_000);
    const fired = flag();
    scheduleAtWallTime(5_030, fired.set, { checkMs: 5, now: clock.now });
    await delay(80);
    expect(fired.fired).toBe(false);
    clock.jump(30);
    await waitFor(() => fired.fired, "the deadline once the clock reaches it", 2_000);
  });
});

describe("scheduleAfter", () => {
  test("fires once, no earlier than its delay (measured on the monotonic clock it runs on)", async () => {
    const started = performance.now();
    let firedAt = 0;
    scheduleAfter(30, () => {
      firedAt = performance.now();
    });
    await waitFor(() => firedAt > 0, "the delay to pass", 2_000);
    expect(firedAt - started).toBeGreaterThanOrEqual(29);
  });
});
