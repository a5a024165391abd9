// Real faults for the fault-injection suite (spec 12): a size-limited or read-only tmpfs
// as the state directory, a state lock held by a live process, and the check that a
// state directory still opens afterwards with nothing lost.
import { expect } from "bun:test";
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { World } from "../../support/standard-world.ts";

/** Why tmpfs mounts cannot be made here (not root, or mount not permitted), or undefined. */
export const mountMissing: string | undefined = (() => {
  if (process.getuid?.() !== 0) return "root, to mount a tmpfs";
  const probe = Bun.spawnSync(["sh", "-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d" && rmdir "$d"'], {
    stderr: "pipe",
  });
  return probe.exitCode === 0 ? undefined : `permission to mount a tmpfs (${probe.stderr.toString().trim() || "mount failed"})`;
})();

function mount(args: string[]): void {
  const result = Bun.spawnSync(["mount", ...args], { stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`mount ${args.join(" ")}: ${result.stderr.toString()}`);
}

/** Mounts a private tmpfs of `size` on `dir` (which it hides); returns the unmount. */
export function mountTmpfs(dir: string, size: string): () => void {
  mount(["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir]);
  return () => void Bun.spawnSync(["umount", "-l", dir]);
}

export const remount = (dir: string, mode: "ro" | "rw") => mount(["-o", `remount,${mode}`, dir]);

/** Fills the filesystem of `dir` to the last byte; returns the undo. */
export function fillDisk(dir: string): () => void {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  const chunk = new Uint8Array(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return () => writeFileSync(path, "");
}

/** Field 22 of /proc/<pid>/stat: when the process started. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] as string;
}

/** Holds the state lock with a live process (its pid, boot and start time, as a sentinel would); returns the release. */
export function jamLock(stateDir: string): () => Promise<void> {
  const holder = Bun.spawn(["sleep", "600"]);
  const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  const path = join(stateDir, "state.lock");
  writeFileSync(path, `${holder.pid} 0123456789ab ${boot} ${startTime(holder.pid)}\n`, { mode: 0o600 });
  return async () => {
    Bun.spawnSync(["rm", "-f", path]);
    holder.kill();
    await holder.exited;
  };
}

export interface Snapshot {
  machineId: string;
  grace: number;
}

/** The state as `status --json` reads it: it must open (not tampered, not missing). */
export async function snapshot(world: World, env: Record<string, string | undefined> = {}): Promise<Snapshot> {
  const state = await world.status(env);
  expect(state).not.toBeNull();
  return { machineId: state?.machine_id as string, grace: state?.grace_remaining_seconds as number };
}

/** Spec 12: afterwards the state opens, same machine id, grace never larger than before. */
export async function expectNothingLost(world: World, before: Snapshot, env: Record<string, string | undefined> = {}): Promise<void> {
  const after = await snapshot(world, env);
  expect(after.machineId).toBe(before.machineId);
  expect(after.grace).toBeLessThanOrEqual(before.grace);
}
