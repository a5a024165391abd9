// One place where every reason to stop arrives (spec 8.7): a signal to the
// sentinel, a licence verdict, expiry. The first reason wins; later ones are ignored.
import { Interrupted, type SentinelError } from "../errors.ts";
import { log } from "../log.ts";

export type StopReason = { kind: "signal"; signal: "SIGINT" | "SIGTERM" } | { kind: "licence"; error: SentinelError };

const errorOf = (reason: StopReason): SentinelError => (reason.kind === "signal" ? new Interrupted(reason.signal) : reason.error);

export class Shutdown {
  private settle!: (reason: StopReason) => void;
  private reason: StopReason | undefined;
  readonly requested: Promise<StopReason> = new Promise((resolve) => {
    this.settle = resolve;
  });

  request(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.settle(reason);
  }

  get current(): StopReason | undefined {
    return this.reason;
  }

  /** Throws the stop reason, if there is one: Interrupted for a signal, else the licence error. */
  throwIfRequested(): void {
    if (this.reason) throw errorOf(this.reason);
  }

  /** Awaits `work`, but gives up as soon as a stop is requested (a Ctrl-C during a slow network call). */
  async race<T>(work: Promise<T>): Promise<T> {
    this.throwIfRequested();
    const stopped = this.requested.then((reason): never => {
      throw errorOf(reason);
    });
    return Promise.race([work, stopped]);
  }

  /** SIGINT/SIGTERM request a stop; the process is never killed by them directly. */
  installSignalHandlers(): () => void {
    const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
      const handler = () => {
        log.info(`received ${signal}, shutting down`);
        this.request({ kind: "signal", signal });
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    return () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
  }
}
