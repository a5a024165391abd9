// Best-effort protection of key memory through bun:ffi and libc (spec 11, last row):
// no core dumps, not dumpable, key pages locked. Every step may be missing; none throws.
import { ptr } from "bun:ffi";
import { libcCandidates, libcFunction } from "../libc.ts";
import { log } from "../log.ts";

export interface GuardReport {
  /** What is in force, in words the README can repeat. */
  applied: string[];
  /** What could not be done, and why. */
  skipped: string[];
}

const PR_SET_DUMPABLE = 4;
const RLIMIT_CORE = 4; // the same on Linux (x64, arm64) and macOS

function step(report: GuardReport, what: string, run: () => string | null): void {
  try {
    const failure = run();
    if (failure === null) report.applied.push(what);
    else report.skipped.push(`${what}: ${failure}`);
  } catch (error) {
    report.skipped.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Disables core dumps (soft RLIMIT_CORE 0, the hard limit untouched so the licensed
 * child may raise it again), marks the process not dumpable on Linux, and locks `secret`'s
 * pages in RAM. Returns what was applied.
 */
export function guardMemory(secret: Uint8Array, libraries: string[] = libcCandidates()): GuardReport {
  const report: GuardReport = { applied: [], skipped: [] };
  step(report, "core dumps disabled (RLIMIT_CORE soft limit 0)", () => {
    const getrlimit = libcFunction(libraries, "getrlimit", { args: ["i32", "ptr"], returns: "i32" });
    const setrlimit = libcFunction(libraries, "setrlimit", { args: ["i32", "ptr"], returns: "i32" });
    if (typeof getrlimit === "string") return getrlimit;
    if (typeof setrlimit === "string") return setrlimit;
    const limits = new BigUint64Array(2); // struct rlimit { rlim_t cur, max } on 64-bit targets
    if (getrlimit(RLIMIT_CORE, ptr(limits)) !== 0) return "getrlimit failed";
    limits[0] = 0n;
    return setrlimit(RLIMIT_CORE, ptr(limits)) === 0 ? null : "setrlimit failed";
  });
  step(report, "process not dumpable: no core file, no same-user ptrace (PR_SET_DUMPABLE 0)", () => {
    if (process.platform !== "linux") return "Linux only";
    const prctl = libcFunction(libraries, "prctl", { args: ["i32", "u64", "u64", "u64", "u64"], returns: "i32" });
    if (typeof prctl === "string") return prctl;
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) === 0 ? null : "prctl failed";
  });
  step(report, "machine key pages locked in RAM, never swapped (mlock)", () => {
    const mlock = libcFunction(libraries, "mlock", { args: ["ptr", "usize"], returns: "i32" });
    if (typeof mlock === "string") return mlock;
    return mlock(ptr(secret), secret.byteLength) === 0 ? null : "mlock failed (RLIMIT_MEMLOCK?)";
  });
  log.debug(`memory guard: applied ${report.applied.length} of 3${report.skipped.length ? `; skipped: ${report.skipped.join("; ")}` : ""}`);
  return report;
}
