// The exit status the sentinel passes through for its child (spec 8.7, tini's
// convention): the child's own code, or 128+N when signal N killed it. Pure.
import { constants } from "node:os";

const SIGNAL_NUMBERS: Record<string, number> = constants.signals;

/**
 * Status of a finished child. The runtime names the signal (`"SIGKILL"`) or, where it
 * has no name for it, gives its number. An unknown name counts as a plain failure, 1.
 */
export function exitStatus(exitCode: number | null, signalCode: string | number | null): number {
  if (typeof signalCode === "number") return 128 + signalCode;
  if (signalCode !== null) {
    const signal = SIGNAL_NUMBERS[signalCode];
    return signal === undefined ? 1 : 128 + signal;
  }
  return exitCode ?? 1;
}
