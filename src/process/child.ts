// The licensed software as a child process (spec 7.1): started with stdio and
// environment inherited, stopped by SIGTERM then SIGKILL. Knows nothing of licences.
import { log } from "../log.ts";
import { exitStatus } from "./exit-status.ts";
import { openSoftware } from "./software-file.ts";
import { spawnSoftware } from "./spawn-software.ts";

export interface LaunchOptions {
  /** Absolute (software-file.ts softwarePath). */
  path: string;
  /** The licence's software_checksum: the file is hashed here, immediately before launch (spec 12.4). */
  checksum?: string;
  args: readonly string[];
  /** Added to (and overriding) the sentinel's own environment. */
  env: Record<string, string>;
}

export interface Child {
  readonly pid: number;
  /** The status the sentinel should exit with: the child's code, or 128+N after signal N. */
  readonly exited: Promise<number>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit status. Safe after exit and when repeated. */
  stop(timeoutMs: number): Promise<number>;
}

export async function launchSoftware({ path, checksum, args, env }: LaunchOptions): Promise<Child> {
  const software = openSoftware(path, checksum);
  let proc: Awaited<ReturnType<typeof spawnSoftware>>;
  try {
    proc = await spawnSoftware(software, args, { ...process.env, ...env });
  } finally {
    software.close();
  }
  // Start-up is over: the sentinel is now a long-running server (build.ts START_JIT_POLICY).
  Bun.unsafe.setJITPolicy(1);
  const exited = proc.exited.then(() => exitStatus(proc.exitCode, proc.signalCode));

  // The child may exit between our check and the signal: that is a debug line, not a failure.
  const send = (signal: "SIGTERM" | "SIGKILL"): void => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      proc.kill(signal);
    } catch (error) {
      log.debug(`signal ${signal} to child ${proc.pid} not delivered: ${String(error)}`);
    }
  };

  let stopping: Promise<number> | undefined;
  const escalate = async (timeoutMs: number): Promise<number> => {
    // On Windows Bun maps SIGTERM to TerminateProcess, so the first step already ends it.
    send("SIGTERM");
    const timer = setTimeout(() => {
      log.warn(`software did not stop within ${timeoutMs} ms of SIGTERM; sending SIGKILL`);
      send("SIGKILL");
    }, timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    pid: proc.pid,
    exited,
    stop(timeoutMs) {
      stopping ??= escalate(timeoutMs);
      return stopping;
    },
  };
}
