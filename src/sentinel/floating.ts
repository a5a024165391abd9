// A floating seat for one run (spec 16.2): leased before launch (waiting for one
// with --wait-for-seat), renewed at half its length on the monotonic clock, lost
// at its local deadline, released after the software stops. Decisions: floating-policy.ts.
import type { DrmClient, SeatInput } from "../drm/client.ts";
import type { Outcome } from "../drm/outcome.ts";
import { DeniedError, describeError, Interrupted, TemporaryError, UnavailableError } from "../errors.ts";
import type { FloatingStatus } from "../ipc/protocol.ts";
import { log } from "../log.ts";
import { decideLease, decideRenewal, type Lease, leaseDeadline, renewalDue } from "./floating-policy.ts";
import type { Verdict } from "./policy.ts";
import type { Shutdown } from "./shutdown.ts";
import { delay, scheduleAfter, type Timer } from "./timer.ts";

/** Spec 16.2 step 4: the release gets this long, then the sentinel exits regardless. */
const RELEASE_BUDGET_MS = 5000;

export interface FloatingOptions {
  client: DrmClient;
  licenseKey: string;
  maxConcurrent: number;
  softwareVersion?: string;
  shutdown: Shutdown;
  /** `--wait-for-seat`, in milliseconds; null to give up at once. */
  waitForSeatMs: number | null;
  /** The 5 s between seat requests and between renewal retries (shortened only in test builds). */
  retryMs: number;
  /** A licence status in a verified renewal (8.4). */
  onVerdict: (verdict: Verdict) => void;
  /** Monotonic milliseconds. */
  now?: () => number;
}

export interface FloatingSeat {
  status(): FloatingStatus;
  /** Stops renewing and gives the seat back, within 5 s; failures are only logged. */
  release(): Promise<void>;
}

const STOP_ERRORS = { temporary: TemporaryError, denied: DeniedError, unavailable: UnavailableError } as const;

/** Step 1: leases a seat (or throws the exit reason), then keeps it until release(). */
export async function takeFloatingSeat(options: FloatingOptions): Promise<FloatingSeat> {
  const now = options.now ?? (() => performance.now());
  const sessionId = crypto.randomUUID();
  const input = { licenseKey: options.licenseKey, sessionId, softwareVersion: options.softwareVersion };
  const release = () => releaseSeat(options.client.releaseLease(input));
  const waitUntil = options.waitForSeatMs === null ? null : now() + options.waitForSeatMs;
  for (;;) {
    options.shutdown.throwIfRequested();
    const askedAt = now();
    let outcome: Outcome;
    try {
      outcome = await options.shutdown.race(options.client.lease(input));
    } catch (error) {
      // A signal during the call: the server may have granted the seat all the same.
      if (error instanceof Interrupted) await release();
      throw error;
    }
    const context = { now: now(), askedAt, waitUntil, retryMs: options.retryMs, maxConcurrent: options.maxConcurrent };
    const decision = decideLease(outcome, context);
    if (decision.kind === "stop") throw new STOP_ERRORS[decision.exit](decision.message);
    if (decision.kind === "leased") {
      log.info(`floating seat leased (${decision.lease.seatsUsed}/${decision.lease.seatsTotal} in use)`);
      return keepSeat(options, decision.lease, now, input, release);
    }
    log.info(`waiting for a floating seat (${decision.used}/${decision.total} in use)`);
    await options.shutdown.race(delay(decision.at - now()));
  }
}

/** Steps 2–3: renewals one at a time, the deadline on the monotonic clock, stop reasons to `shutdown`. */
function keepSeat(options: FloatingOptions, first: Lease, now: () => number, input: SeatInput, release: () => Promise<void>): FloatingSeat {
  let lease = first;
  let stopped = false;
  let renewal: Timer | undefined;
  let deadline: Timer | undefined;
  let running: Promise<void> | undefined;
  let signalStop!: () => void;
  const stopping = new Promise<null>((resolve) => (signalStop = () => resolve(null)));
  const lose = (why: string) => {
    if (stopped) return;
    log.warn(why);
    options.shutdown.request({ kind: "licence", error: new UnavailableError("floating seat lost") });
  };
  const armDeadline = () => {
    deadline?.cancel();
    deadline = scheduleAfter(leaseDeadline(lease) - now(), () => lose("no verified lease renewal before the lease's local deadline"));
  };
  const renewAt = (at: number) => {
    if (!stopped)
      renewal = scheduleAfter(at - now(), () => {
        running = renew()
          .catch((error) => log.error(`floating seat renewal failed: ${describeError(error)}`))
          .finally(() => (running = undefined));
      });
  };
  const renew = async () => {
    const answer = await Promise.race([options.client.renewLease(input), stopping]);
    if (!answer || stopped) return;
    const decision = decideRenewal(answer, now(), options.retryMs);
    if (decision.kind === "renewed") {
      lease = decision.lease;
      log.debug("floating seat renewed");
      armDeadline();
      renewAt(renewalDue(lease));
    } else if (decision.kind === "retry") {
      log.warn(`floating seat renewal missed (${decision.reason}), retrying`);
      renewAt(decision.at);
    } else if (decision.kind === "lost") lose("the DRM server no longer holds this run's floating seat (LEASE_LOST)");
    else options.onVerdict(decision.verdict);
  };
  armDeadline();
  renewAt(renewalDue(lease));
  return {
    status: () => ({ lease_expires_at: lease.expiresAt, seats_used: lease.seatsUsed, seats_total: lease.seatsTotal }),
    async release() {
      stopped = true;
      signalStop();
      renewal?.cancel();
      deadline?.cancel();
      await running;
      await release();
    },
  };
}

/** Waits at most RELEASE_BUDGET_MS for the release answer; a failure only logs (the lease expires on its own). */
async function releaseSeat(call: Promise<Outcome>): Promise<void> {
  let timer: Timer | undefined;
  const timedOut = new Promise<null>((resolve) => (timer = scheduleAfter(RELEASE_BUDGET_MS, () => resolve(null))));
  const outcome = await Promise.race([call, timedOut]);
  timer?.cancel();
  if (outcome?.class === "verified" && outcome.payload.status === "RELEASED") return log.info("floating seat released");
  const why = !outcome ? "no answer within 5 s" : outcome.class === "verified" ? `status ${String(outcome.payload.status)}` : outcome.class;
  log.warn(`floating seat release failed (${why}): the seat comes back when its lease expires`);
}
