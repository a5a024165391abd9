// What `run` asks of either flow: the software, its arguments, how long it gets to
// stop, and the one place stop reasons arrive.
import type { Shutdown } from "./shutdown.ts";

export interface LaunchRequest {
  software: string;
  args: string[];
  stopTimeoutMs: number;
  shutdown: Shutdown;
}
