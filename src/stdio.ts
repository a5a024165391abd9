// The sentinel's own stdout and stderr, written through their descriptors. In this
// Bun the first touch of process.stdout or process.stderr builds Node's stream objects,
// ~17 ms of CPU at every start (bench, issue 15); a synchronous write also leaves
// nothing buffered when the process exits.
import { fstatSync, statSync, writeSync } from "node:fs";

const STDOUT = 1;
const STDERR = 2;
/** A non-blocking pipe that is full: wait this long, then try again. */
const RETRY_MS = 1;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs a synchronous read or write on a descriptor that may be non-blocking, waiting out EAGAIN. */
export function retryingEagain<T>(io: () => T): T {
  for (;;) {
    try {
      return io();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(sleeper, 0, 0, RETRY_MS);
    }
  }
}

function writeAll(fd: number, text: string): void {
  let bytes = Buffer.from(text, "utf8");
  try {
    while (bytes.length > 0) bytes = bytes.subarray(retryingEagain(() => writeSync(fd, bytes)));
  } catch {
    // A closed pipe (EPIPE) or a gone terminal: the output has nowhere to go.
  }
}

export const writeStdout = (text: string): void => writeAll(STDOUT, text);
export const writeStderr = (text: string): void => writeAll(STDERR, text);
/**
 * A character device other than the null device: a terminal, for colour's sake. Not
 * tty.isatty, whose module costs ~6 ms at start; a misjudged non-terminal device only
 * receives colour codes.
 */
function isTerminal(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isCharacterDevice() && stats.rdev !== statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

export const stdoutIsTerminal = (): boolean => isTerminal(STDOUT);
export const stderrIsTerminal = (): boolean => isTerminal(STDERR);
