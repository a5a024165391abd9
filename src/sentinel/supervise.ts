// Steps 7–8 and 8.7, shared by both flows: IPC listening, then the software,
// then wait for the first of: the software's exit, a stop reason (signal,
// licence verdict), or local expiry. Cleanup runs once and leaves nothing behind.
import { DeniedError } from "../errors.ts";
import type { IpcLicense, StatusSnapshot } from "../ipc/protocol.ts";
import { startIpcServer } from "../ipc/server.ts";
import { prepareSocketPath } from "../ipc/socket-path.ts";
import { log } from "../log.ts";
import { launchSoftware } from "../process/child.ts";
import { dayAfterMs } from "./policy.ts";
import type { Shutdown } from "./shutdown.ts";
import { scheduleAtWallTime } from "./timer.ts";
import { wallCheckMs } from "./timing.ts";

export interface Background {
  /** Starts work that runs while the software does (the heartbeat loop). */
  start(): void;
  /** Stops it, waiting only for a state save already under way. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  software: string;
  /** Hashed at launch, not before (spec 12.4). */
  softwareChecksum?: string;
  args: string[];
  stopTimeoutMs: number;
  shutdown: Shutdown;
  /** Machine id (STANDARD) or fingerprint (HARDWARE_BOUND): names the socket. */
  socketId: string;
  license: IpcLicense;
  status: () => StatusSnapshot;
  background?: Background;
  /** Last words after the software is gone (STANDARD saves its state). */
  onCleanup?: () => Promise<void>;
  /** The wall clock licence expiry is judged by (tests pass their own). */
  nowMs?: () => number;
}

/** Runs the software to the end; returns the exit status, or throws the licence reason that stopped it. */
export async function superviseSoftware(options: SuperviseOptions): Promise<number> {
  const { shutdown } = options;
  const socketPath = prepareSocketPath({ id: options.socketId });
  const ipc = await startIpcServer({ path: socketPath, license: options.license, status: options.status });
  let expiry: { cancel(): void } | undefined;
  try {
    shutdown.throwIfRequested();
    const child = await launchSoftware({
      path: options.software,
      checksum: options.softwareChecksum,
      args: options.args,
      env: { SENTINEL_IPC_SOCKET: socketPath },
    });
    log.info(`software started (pid ${child.pid}), licence socket ${socketPath}`);
    expiry = scheduleAtWallTime(
      dayAfterMs(options.license.expiryDate),
      () => shutdown.request({ kind: "licence", error: new DeniedError("license has expired") }),
      { checkMs: wallCheckMs(), now: options.nowMs },
    );
    options.background?.start();
    const exited = await Promise.race([child.exited.then((status) => ({ status })), shutdown.requested.then(() => null)]);
    if (exited) {
      log.info(`software exited with status ${exited.status}`);
      return await finish(options, exited.status);
    }
    log.info("stopping the software");
    const status = await child.stop(options.stopTimeoutMs);
    return await finish(options, status);
  } finally {
    expiry?.cancel();
    await options.background?.stop();
    await ipc.close();
  }
}

/** The exit status: a licence reason names itself; otherwise the software's own status. */
async function finish(options: SuperviseOptions, status: number): Promise<number> {
  await options.background?.stop();
  await options.onCleanup?.();
  const reason = options.shutdown.current;
  if (reason?.kind === "licence") throw reason.error;
  return status;
}
