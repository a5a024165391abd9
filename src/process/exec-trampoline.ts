// Linux: the software must not outlive a SIGKILLed sentinel. Bun.spawn runs no
// code between fork and exec, so the compiled sentinel starts itself as a tiny
// trampoline that asks for a parent-death signal (prctl PR_SET_PDEATHSIG), checks
// the sentinel is still there, restores default signal handling, and execs the
// software in place: same pid, same stdio and environment, nothing left of Bun.
import { ptr } from "bun:ffi";
import { writeSync } from "node:fs";
import { libcCandidates, libcFunction } from "../libc.ts";

export const EXEC_MARKER = "__sentinel-exec";
/** Written to fd 3 once the trampoline runs; the pipe then closes at exec. */
export const TRAMPOLINE_READY = "R";
const HANDSHAKE_FD = 3;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;
const SIG_SETMASK = 2;
/** Signals Bun itself ignores (SIGPIPE, SIGXFSZ): an ignored disposition survives exec. */
const BUN_IGNORED_SIGNALS = [13, 25];

/** Only a compiled Linux sentinel can start itself as the trampoline. */
export function trampolinePrefix(): string[] {
  if (process.platform !== "linux" || !Bun.main.startsWith("/$bunfs/")) return [];
  return [process.execPath, EXEC_MARKER, String(process.pid)];
}

function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`, "utf8");
}

/** Runs in the trampoline process; returns only if exec failed, with the reason. */
export function execWithParentDeathSignal(parentPid: number, argv: string[]): string {
  writeSync(HANDSHAKE_FD, TRAMPOLINE_READY);
  const libs = libcCandidates();
  const prctl = libcFunction(libs, "prctl", { args: ["i32", "u64", "u64", "u64", "u64"], returns: "i32" });
  const getppid = libcFunction(libs, "getppid", { args: [], returns: "i32" });
  const signal = libcFunction(libs, "signal", { args: ["i32", "u64"], returns: "u64" });
  const sigprocmask = libcFunction(libs, "sigprocmask", { args: ["i32", "ptr", "ptr"], returns: "i32" });
  const execv = libcFunction(libs, "execv", { args: ["ptr", "ptr"], returns: "i32" });
  const fcntl = libcFunction(libs, "fcntl", { args: ["i32", "i32", "i32"], returns: "i32" });
  for (const fn of [prctl, getppid, signal, sigprocmask, execv, fcntl]) if (typeof fn === "string") return fn;
  const call = (fn: typeof prctl) => fn as (...args: unknown[]) => number;
  if (call(prctl)(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) !== 0) return "prctl(PR_SET_PDEATHSIG) failed";
  // The sentinel may have died before the request took effect: then nobody would kill us.
  if (call(getppid)() !== parentPid) return "the sentinel exited before the software started";
  for (const number of BUN_IGNORED_SIGNALS) call(signal)(number, 0); // SIG_DFL
  call(fcntl)(HANDSHAKE_FD, F_SETFD, FD_CLOEXEC); // the software must not inherit the handshake pipe
  const emptySet = new Uint8Array(128);
  call(sigprocmask)(SIG_SETMASK, ptr(emptySet), null);
  const strings = argv.map(cString);
  const pointers = new BigUint64Array(strings.length + 1);
  strings.forEach((text, i) => {
    pointers[i] = BigInt(ptr(text));
  });
  call(execv)(ptr(strings[0] as Buffer), ptr(pointers));
  return `cannot execute ${argv[0]}`;
}
