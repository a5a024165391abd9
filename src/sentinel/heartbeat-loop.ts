// The heartbeat loop of step 7: one beat at a time, the next scheduled one
// interval after the previous one finished (retries included). Knows nothing
// of licences: the beat itself is passed in.
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import type { Background } from "./supervise.ts";
import { scheduleAfter, type Timer } from "./timer.ts";

export interface BeatContext {
  /** Resolves when the loop is stopped: a beat races its network call against it. */
  readonly stopping: Promise<void>;
  stopped(): boolean;
}

export type Beat = (context: BeatContext) => Promise<void>;

export function createHeartbeatLoop(intervalMs: number, beat: Beat): Background {
  let timer: Timer | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let signalStop!: () => void;
  const context: BeatContext = { stopping: new Promise((resolve) => (signalStop = resolve)), stopped: () => stopped };

  const schedule = () => {
    if (stopped) return;
    timer = scheduleAfter(intervalMs, () => {
      running = beat(context)
        .catch((error) => log.error(`heartbeat failed: ${describeError(error)}`))
        .finally(() => {
          running = undefined;
          schedule();
        });
    });
  };

  return {
    start: schedule,
    async stop() {
      stopped = true;
      signalStop();
      timer?.cancel();
      // A beat waiting on the network returns at once; one that is saving
      // finishes first, so no lock or temp file is left behind.
      await running;
    },
  };
}
