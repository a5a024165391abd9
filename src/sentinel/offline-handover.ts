// The end of an offline window while the software runs (spec 15.2 step 4): when
// the day after `offline_until` begins, one heartbeat decides. Verified: it is
// acted on as any heartbeat and the ordinary loop takes over; otherwise the
// software stops (69 `offline activation ended on <date>`).
import type { Outcome } from "../drm/outcome.ts";
import { UnavailableError } from "../errors.ts";
import { log } from "../log.ts";
import { dayAfterMs } from "./policy.ts";
import type { Shutdown } from "./shutdown.ts";
import type { Background } from "./supervise.ts";
import { scheduleAtWallTime, type Timer } from "./timer.ts";
import { wallCheckMs } from "./timing.ts";

export interface HandoverOptions {
  /** The last offline day (UTC, inclusive). */
  until: string;
  /** One heartbeat, given up (undefined) when `stopping` settles first. */
  heartbeat(stopping: Promise<void>): Promise<Outcome | undefined>;
  /** What the loop does with a verified answer (8.4). */
  onVerified(answer: Outcome): Promise<void>;
  /** A handover that throws instead of deciding stops the software, as a failed beat does (12.1). */
  onFailure(error: unknown): void;
  shutdown: Shutdown;
  loop: Background;
}

export function createOfflineHandover(options: HandoverOptions): Background {
  const { until, shutdown, loop } = options;
  let timer: Timer | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let signalStop!: () => void;
  const stopping = new Promise<void>((resolve) => (signalStop = resolve));

  async function handover(): Promise<void> {
    log.info(`offline activation ended on ${until}: checking in with the DRM server`);
    const answer = await options.heartbeat(stopping);
    if (!answer || stopped) return;
    if (answer.class !== "verified") {
      log.warn(
        `heartbeat at the end of the offline activation not verified: ${answer.class === "rejected" ? answer.message : answer.reason}`,
      );
      shutdown.request({ kind: "licence", error: new UnavailableError(`offline activation ended on ${until}`) });
      return;
    }
    await options.onVerified(answer);
    if (!stopped) loop.start();
  }

  return {
    start() {
      timer = scheduleAtWallTime(
        dayAfterMs(until),
        () => {
          running = handover().catch(options.onFailure);
        },
        { checkMs: wallCheckMs() },
      );
    },
    async stop() {
      stopped = true;
      signalStop();
      timer?.cancel();
      await running;
      await loop.stop();
    },
  };
}
