// The heartbeat loop of step 7: one beat at a time, the next due one interval after
// the previous one finished (retries included), by either clock (spec 12.8). Knows
// nothing of licences: the beat is passed in; a beat that throws stops the loop (12.1).
import { type Clock, type ClockReading, nextWakeMs, systemClock } from "./heartbeat-due.ts";
import type { Background } from "./supervise.ts";

export interface BeatContext {
  /** Resolves when the loop is stopped: a beat races its network call against it. */
  readonly stopping: Promise<void>;
  stopped(): boolean;
}

export type Beat = (context: BeatContext) => Promise<void>;

export interface LoopOptions {
  /** A beat threw: the loop has stopped and the caller must stop the software (fail closed). */
  onFailure: (error: unknown) => void;
  /** How often the wall clock is looked at while waiting (spec 12.8: at least every 60 s). */
  checkMs?: number;
  clock?: Clock;
}

export const WALL_CHECK_MS = 60_000;

export function createHeartbeatLoop(intervalMs: number, options: LoopOptions, beat: Beat): Background {
  const clock = options.clock ?? systemClock;
  const checkMs = options.checkMs ?? WALL_CHECK_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let signalStop!: () => void;
  const context: BeatContext = { stopping: new Promise((resolve) => (signalStop = resolve)), stopped: () => stopped };

  let lastFinished: ClockReading = clock.read();

  /** Looks at both clocks: beats when due, else sleeps until due or the next wall-clock check. */
  const wait = () => {
    if (stopped) return;
    const wake = nextWakeMs(lastFinished, clock.read(), intervalMs, checkMs);
    if (wake > 0) {
      timer = setTimeout(wait, wake);
      return;
    }
    running = beat(context).then(
      () => {
        running = undefined;
        lastFinished = clock.read();
        wait();
      },
      (error) => {
        // No decision was taken: carrying on would run the software unlicensed.
        running = undefined;
        stopped = true;
        options.onFailure(error);
      },
    );
  };

  return {
    start() {
      lastFinished = clock.read();
      wait();
    },
    async stop() {
      stopped = true;
      signalStop();
      clearTimeout(timer);
      // A beat waiting on the network returns at once; one that is saving
      // finishes first, so no lock or temp file is left behind.
      await running;
    },
  };
}
