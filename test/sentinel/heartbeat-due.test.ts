// Spec 12.8: the next heartbeat is due one interval after the previous finished, by
// the monotonic or the wall clock, whichever gets there first. Clocks are injected.
import { describe, expect, test } from "bun:test";
import { type ClockReading, msUntilDue, nextWakeMs } from "../../src/sentinel/heartbeat-due.ts";
import { createHeartbeatLoop } from "../../src/sentinel/heartbeat-loop.ts";
import { waitFor } from "../support/wait-for.ts";

const HOUR = 3_600_000;
const finished: ClockReading = { mono: 1_000, wall: 1_800_000_000_000 };
const after = (mono: number, wall: number): ClockReading => ({ mono: finished.mono + mono, wall: finished.wall + wall });

describe("msUntilDue", () => {
  const cases: [string, ClockReading, number][] = [
    ["just finished: a whole interval", after(0, 0), HOUR],
    ["both clocks half way", after(HOUR / 2, HOUR / 2), HOUR / 2],
    ["both clocks past the interval: due now", after(HOUR + 1, HOUR + 1), 0],
    ["machine suspended: the monotonic clock stood still, the wall clock is past: due now", after(1_000, 3 * HOUR), 0],
    ["process stopped (SIGSTOP): both clocks ran on: due now", after(2 * HOUR, 2 * HOUR), 0],
    ["clock turned back a day: the monotonic clock still decides", after(HOUR / 4, -24 * HOUR), (3 * HOUR) / 4],
    ["clock turned back a day, monotonic past the interval: due now", after(HOUR, -24 * HOUR), 0],
    ["clock turned forward: the wall clock gets there first", after(HOUR / 4, HOUR / 2 + HOUR / 4), HOUR / 4],
  ];
  for (const [name, now, expected] of cases) test(name, () => expect(msUntilDue(finished, now, HOUR)).toBe(expected));
});

test("nextWakeMs sleeps until due but never past the wall-clock check", () => {
  expect(nextWakeMs(finished, after(0, 0), HOUR, 60_000)).toBe(60_000);
  expect(nextWakeMs(finished, after(HOUR - 10, HOUR - 10), HOUR, 60_000)).toBe(10);
  expect(nextWakeMs(finished, after(5, 2 * HOUR), HOUR, 60_000)).toBe(0);
});

describe("the loop looks at both clocks at every check", () => {
  /** [name, clock moves before the first checks (no beat yet), clock moves that bring the beat]. */
  const cases: [string, ClockReading, ClockReading][] = [
    [
      "after a suspend (wall clock jumps, monotonic does not) the beat comes at the next check",
      { mono: 0, wall: 0 },
      { mono: 0, wall: HOUR },
    ],
    [
      "a clock turned back never delays it: the monotonic interval still brings the beat",
      { mono: 0, wall: -48 * HOUR },
      { mono: HOUR, wall: 0 },
    ],
  ];
  const move = (reading: ClockReading, by: ClockReading) => {
    reading.mono += by.mono;
    reading.wall += by.wall;
  };
  for (const [name, meanwhile, then] of cases) {
    test(name, async () => {
      const reading = { mono: 0, wall: 1_800_000_000_000 };
      let beats = 0;
      let reads = 0;
      const clock = { read: () => (reads++, { ...reading }) };
      const loop = createHeartbeatLoop(HOUR, { onFailure: () => {}, checkMs: 2, clock }, async () => void beats++);
      loop.start();
      move(reading, meanwhile);
      // Five wall checks on the moved clock (not a fixed sleep): none of them finds a beat due.
      const seen = reads;
      await waitFor(() => reads >= seen + 5, "five wall checks");
      expect(beats).toBe(0);
      move(reading, then);
      await waitFor(() => beats > 0, "the beat now due");
      await loop.stop();
      expect(beats).toBe(1);
    });
  }
});
