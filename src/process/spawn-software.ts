// Spawning the software, through the exec trampoline where it can run (a
// compiled Linux sentinel) and directly otherwise. The trampoline says it started
// on an extra pipe (fd 3) before it execs; a sentinel whose own binary the kernel
// cannot execute (e.g. emulated by qemu-user) gets no word and spawns directly.
import { closeSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { log } from "../log.ts";
import { TRAMPOLINE_READY, trampolinePrefix } from "./exec-trampoline.ts";

export type SoftwareProcess = Bun.Subprocess<"inherit", "inherit", "inherit">;

function spawn(argv: string[], env: Record<string, string | undefined>, handshake: boolean): SoftwareProcess {
  try {
    return Bun.spawn(argv, {
      stdio: handshake ? ["inherit", "inherit", "inherit", "pipe"] : ["inherit", "inherit", "inherit"],
      env,
    }) as SoftwareProcess;
  } catch (error) {
    throw new UsageError(
      `software cannot be started: ${argv.at(handshake ? 3 : 0)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

export async function spawnSoftware(
  path: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<SoftwareProcess> {
  const prefix = trampolinePrefix();
  if (prefix.length > 0) {
    const proc = spawn([...prefix, path, ...args], env, true);
    const fd = proc.stdio[3] as number;
    // Ends at exec (the write end is close-on-exec) or when the trampoline exits.
    const word = await Bun.file(fd).text();
    closeSync(fd);
    if (word === TRAMPOLINE_READY) return proc;
    await proc.exited;
    log.debug("exec trampoline unavailable; starting the software without a parent-death signal");
  }
  return spawn([path, ...args], env, false);
}
