// What a killed process leaves in the state directory: temp files named with their
// writer's pid. Removes only those whose writer is dead; never touches live files.
import { join } from "node:path";
import { errno } from "../errno.ts";
import { defaultFs, removeQuietly, type StateFs, TEMP_PATTERN } from "./atomic-file.ts";

/** True unless the system says no such process exists (EPERM means it exists under another user). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) !== "ESRCH";
  }
}

/** Deletes temp files of dead writers in `dir`; returns how many. A dead writer's temp is never renamed by anyone. */
export function removeStaleTemps(dir: string, fs: StateFs = defaultFs): number {
  let removed = 0;
  for (const name of fs.readdirSync(dir)) {
    const pid = TEMP_PATTERN.exec(name)?.[1];
    if (pid !== undefined && !isProcessAlive(Number(pid))) {
      removeQuietly(join(dir, name), fs);
      removed++;
    }
  }
  return removed;
}
