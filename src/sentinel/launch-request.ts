// What `run` asks of either flow: the software, its arguments, how long it gets to
// stop, and the one place stop reasons arrive.
import type { Shutdown } from "./shutdown.ts";

export interface LaunchRequest {
  /** Absolute, checked (spec 12.4). */
  software: string;
  /** Checked at launch on the descriptor that is executed (spec 12.4). */
  softwareChecksum?: string;
  args: string[];
  stopTimeoutMs: number;
  shutdown: Shutdown;
}
