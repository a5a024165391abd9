// Who a pid is (spec 12.7): the boot it belongs to and when it started, so a lock
// left by a process whose pid was later reused (after a reboot, in a container) is stale.
import { readFileSync } from "node:fs";
import { uptime } from "node:os";

/** Which boot this is: a lock left by a power cut must not block a reused pid after reboot. */
export const BOOT_ID = (() => {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return `t${Math.round(Date.now() / 1000 - uptime())}`;
  }
})();

export function sameBoot(a: string, b: string): boolean {
  // Boot times estimated from the clock drift with clock steps: allow two minutes.
  if (a.startsWith("t") && b.startsWith("t")) return Math.abs(Number(a.slice(1)) - Number(b.slice(1))) <= 120;
  return a === b;
}

/**
 * When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or "-"
 * where the system does not say (no /proc, or the process is gone).
 */
export function processStartTime(pid: number | "self"): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = fields[19];
    return start && /^\d+$/.test(start) ? start : "-";
  } catch {
    return "-";
  }
}

export const OWN_START = processStartTime("self");
