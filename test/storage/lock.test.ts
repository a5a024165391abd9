import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { uptime } from "node:os";
import { join } from "node:path";
import { InternalError } from "../../src/errors.ts";
import { withLock } from "../../src/storage/lock.ts";
import { removeStaleTemps } from "../../src/storage/stale-files.ts";
import { listDir, removeTempRoots, tempRoot } from "../state/helpers.ts";

afterAll(removeTempRoots);

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = Bun.spawn(["true"]);
  await child.exited;
  return child.pid;
}

function lockDir(): string {
  const { stateDir } = tempRoot();
  mkdirSync(stateDir, { mode: 0o700 });
  return stateDir;
}

const BOOT = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

/** Field 22 of /proc/<pid>/stat, read independently of the code under test. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] as string;
}

describe("state lock", () => {
  test("holds the lock file while running, with our pid, and removes it after", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    const seen = await withLock(path, async () => readFileSync(path, "utf8"));
    expect(seen).toMatch(new RegExp(`^${process.pid} [0-9a-f]{12} ${BOOT} ${startTime(process.pid)}\\n$`));
    expect(listDir(dir)).toEqual([]);
  });

  test("releases the lock when the body throws", async () => {
    const dir = lockDir();
    await expect(withLock(join(dir, "state.lock"), async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(listDir(dir)).toEqual([]);
  });

  test("serialises bodies within one process", async () => {
    const dir = lockDir();
    let inside = 0;
    let most = 0;
    const body = async () => {
      most = Math.max(most, ++inside);
      await Bun.sleep(1);
      inside--;
    };
    await Promise.all(Array.from({ length: 10 }, () => withLock(join(dir, "state.lock"), body)));
    expect(most).toBe(1);
  });

  test("takes over a lock left by a dead process, and a lock from an earlier boot", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    writeFileSync(path, `${await deadPid()} 0123456789ab ${BOOT}\n`);
    expect(await withLock(path, async () => "ran")).toBe("ran");
    // Our own pid is alive, but this lock names another boot: a power cut left it.
    writeFileSync(path, `${process.pid} 0123456789ac 00000000-0000-0000-0000-000000000000\n`);
    expect(await withLock(path, async () => "ran")).toBe("ran");
    expect(listDir(dir)).toEqual([]);
  });

  test("spec 12.7: a lock naming our own pid from an earlier process (pid reuse) is taken over at once", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    writeFileSync(path, `${process.pid} 0123456789ad ${BOOT} ${startTime(process.pid)}\n`);
    expect(await withLock(path, async () => "ran", 200)).toBe("ran");
    expect(listDir(dir)).toEqual([]);
  });

  test("spec 12.7: a live pid that started at another time than the lock says is stale; the right start time is not", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    const other = Bun.spawn(["sleep", "30"]);
    try {
      const start = startTime(other.pid);
      writeFileSync(path, `${other.pid} 0123456789ae ${BOOT} ${Number(start) - 1}\n`);
      expect(await withLock(path, async () => "ran", 200)).toBe("ran");
      writeFileSync(path, `${other.pid} 0123456789af ${BOOT} ${start}\n`);
      await expect(withLock(path, async () => "never", 200)).rejects.toThrow(`held by process ${other.pid}`);
      // A lock written before start times were recorded: judged by pid and boot alone.
      writeFileSync(path, `${other.pid} 0123456789af ${BOOT}\n`);
      await expect(withLock(path, async () => "never", 100)).rejects.toThrow(`held by process ${other.pid}`);
    } finally {
      other.kill();
      await other.exited;
    }
  });

  test("takes over through a breaker left by a dead breaker, and removes dead breakers", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    const dead = await deadPid();
    writeFileSync(path, `${dead} 0123456789ab ${BOOT}\n`);
    writeFileSync(`${path}.break-0123456789ab`, `${dead} ba9876543210 ${BOOT}\n`);
    writeFileSync(`${path}.break-feedfeedfeed`, `${dead} 111111111111 ${BOOT}\n`);
    expect(await withLock(path, async () => "ran")).toBe("ran");
    expect(listDir(dir)).toEqual([]);
  });

  test("a live holder makes others wait, up to the bound, with an error naming the holder and the file", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    let release = () => {};
    const held = withLock(path, () => new Promise<void>((resolve) => (release = resolve)));
    const waiting = withLock(path, async () => "never", 200);
    await expect(waiting).rejects.toBeInstanceOf(InternalError);
    await expect(waiting).rejects.toThrow(`timed out waiting for the state lock ${path}, held by process ${process.pid}`);
    release();
    await held;
    expect(existsSync(path)).toBe(false);
  });

  test("a file that is not a lock token, written in this boot, is never removed; the wait ends with an error", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    writeFileSync(path, "not a lock");
    await expect(withLock(path, async () => "never", 100)).rejects.toThrow("held by a file that is not a sentinel lock");
    expect(readFileSync(path, "utf8")).toBe("not a lock");
  });

  test("an empty lock file last written before this boot (tokens are not fsynced: a power cut) is taken over", async () => {
    const dir = lockDir();
    const path = join(dir, "state.lock");
    writeFileSync(path, "");
    const beforeBoot = (Date.now() - uptime() * 1000) / 1000 - 3600;
    utimesSync(path, beforeBoot, beforeBoot);
    expect(await withLock(path, async () => "ran", 1000)).toBe("ran");
    expect(listDir(dir)).toEqual([]);
  });
});

describe("stale temp files", () => {
  test("only temps of dead writers are removed", async () => {
    const dir = lockDir();
    const dead = await deadPid();
    const names = [`.state.enc.${dead}.0123456789ab.tmp`, `.state.enc.${process.pid}.0123456789ab.tmp`, "state.enc", ".state.enc.x.tmp"];
    for (const name of names) writeFileSync(join(dir, name), "x");
    expect(removeStaleTemps(dir)).toBe(1);
    expect(listDir(dir)).toEqual(names.slice(1).sort());
  });
});
