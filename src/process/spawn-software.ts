// Spawning the software from its open, checked file (spec 7.1, 12.4). On Linux the
// exec helper (exec-helper.ts) runs first and executes the descriptor; it says it
// started on a pipe (fd 3) before it execs. Where it cannot run (no memfd, a sentinel
// emulated by qemu-user) the descriptor is executed directly, without a parent-death signal.

import { closeSync, readSync } from "node:fs";
import { errno } from "../errno.ts";
import { UsageError } from "../errors.ts";
import { log } from "../log.ts";
import { retryingEagain } from "../stdio.ts";
import { execHelperMemfd, HANDSHAKE_FD, HELPER_FD, HELPER_READY, SOFTWARE_FD } from "./exec-helper.ts";
import type { SoftwareFile } from "./software-file.ts";

export type SoftwareProcess = Bun.Subprocess<"inherit", "inherit", "inherit">;
type Env = Record<string, string | undefined>;
type Stdio = NonNullable<Bun.SpawnOptions.OptionsObject<"inherit", "inherit", "inherit">["stdio"]>;

const inFd = (fd: number) => `/proc/self/fd/${fd}`;

function spawn(argv: string[], options: { env: Env; stdio: Stdio; argv0?: string }, what: string): SoftwareProcess {
  try {
    return Bun.spawn(argv, options) as SoftwareProcess;
  } catch (error) {
    throw new UsageError(`software cannot be started: ${what} (${errno(error) ?? String(error)})`);
  }
}

/** Slots 3 and up of the child's descriptor table: fd 4 is the software, the rest as given. */
function extraFds(software: SoftwareFile, handshake: "pipe" | "ignore", helper?: number): Stdio {
  const stdio: Stdio = ["inherit", "inherit", "inherit", handshake, software.fd];
  if (helper !== undefined) stdio[HELPER_FD] = helper;
  return stdio;
}

/**
 * The helper's one byte, read synchronously: it writes at once, or the pipe closes when it
 * fails to start. Not Bun.file(fd).text(): a thread-pool read leaves two idle threads for
 * the sentinel's whole life (bench, steady state).
 */
function readHandshake(fd: number): string {
  const byte = Buffer.alloc(1);
  try {
    return retryingEagain(() => readSync(fd, byte, 0, 1, null)) === 1 ? byte.toString("latin1") : "";
  } catch {
    return "";
  } finally {
    closeSync(fd);
  }
}

/** Runs the helper; the process if it reached the software's exec, else undefined (it has exited). */
async function throughHelper(
  software: SoftwareFile,
  args: readonly string[],
  env: Env,
  byDescriptor: boolean,
): Promise<SoftwareProcess | undefined> {
  const helper = execHelperMemfd();
  if (typeof helper === "string") {
    log.debug(`exec helper unavailable: ${helper}`);
    return undefined;
  }
  let proc: SoftwareProcess;
  try {
    const argv = [inFd(HELPER_FD), String(process.pid), byDescriptor ? "" : software.path, software.path, ...args];
    proc = Bun.spawn(argv, { env, stdio: extraFds(software, "pipe", helper) }) as SoftwareProcess;
  } catch (error) {
    log.debug(`exec helper cannot run: ${String(error)}`);
    return undefined;
  } finally {
    closeSync(helper);
  }
  const word = readHandshake(proc.stdio[HANDSHAKE_FD] as number);
  if (word === HELPER_READY) return proc;
  await proc.exited;
  log.debug("exec helper did not start (is the sentinel emulated?)");
  return undefined;
}

export async function spawnSoftware(software: SoftwareFile, args: readonly string[], env: Env): Promise<SoftwareProcess> {
  if (process.platform !== "linux")
    return spawn([software.path, ...args], { env, stdio: ["inherit", "inherit", "inherit"] }, software.path);
  // A script is handed to its interpreter by name so `$0` stays its path; one whose
  // content was verified is handed over as /dev/fd/4, so the interpreter reads what was hashed.
  const byDescriptor = !software.script || software.verified;
  const viaHelper = await throughHelper(software, args, env, byDescriptor);
  if (viaHelper) return viaHelper;
  if (!byDescriptor) return spawn([software.path, ...args], { env, stdio: ["inherit", "inherit", "inherit"] }, software.path);
  return spawn([inFd(SOFTWARE_FD), ...args], { env, stdio: extraFds(software, "ignore"), argv0: software.path }, software.path);
}
