// Entry point. The launch trampoline (src/process/exec-trampoline.ts) re-runs this
// binary, so it is recognised first, before the command line and its modules load.
import { ExitCode } from "./errors.ts";
import { EXEC_MARKER, execWithParentDeathSignal } from "./process/exec-trampoline.ts";

const [marker, parentPid, ...software] = process.argv.slice(2);
if (marker === EXEC_MARKER) {
  // On success this process has become the software and never gets here.
  process.stderr.write(`sentinel error: ${execWithParentDeathSignal(Number(parentPid), software)}\n`);
  process.exit(ExitCode.internal);
}
await import("./cli.ts");
