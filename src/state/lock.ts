// Inter-process lock files in the state directory (spec 5.3). A lock is a file made
// atomically with link(2), holding "<pid> <nonce> <boot>"; a dead holder's lock is
// broken only by whoever holds "<lock>.break-<nonce>", so two breakers can never both win.
import { linkSync, readdirSync, readFileSync } from "node:fs";
import { uptime } from "node:os";
import { basename, dirname, join } from "node:path";
import { InternalError } from "../errors.ts";
import { ioError, randomHex, removeQuietly, writeTempFile } from "./atomic-file.ts";
import { isProcessAlive } from "./stale-files.ts";

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

interface Token {
  pid: number;
  nonce: string;
  boot: string;
}

/** Which boot a pid belongs to: a lock left by a power cut must not block a reused pid after reboot. */
const BOOT = (() => {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return `t${Math.round(Date.now() / 1000 - uptime())}`;
  }
})();

function sameBoot(a: string, b: string): boolean {
  // Boot times estimated from the clock drift with clock steps: allow two minutes.
  if (a.startsWith("t") && b.startsWith("t")) return Math.abs(Number(a.slice(1)) - Number(b.slice(1))) <= 120;
  return a === b;
}

const isStale = (holder: Token) => !sameBoot(holder.boot, BOOT) || !isProcessAlive(holder.pid);

/** The holder of `path`: undefined when there is no lock, null when the file is not a lock token. */
function readToken(path: string): Token | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw ioError(`cannot read lock ${path}`, error);
  }
  const match = /^(\d+) ([0-9a-f]{12}) (\S+)\n$/.exec(text);
  return match ? { pid: Number(match[1]), nonce: match[2] as string, boot: match[3] as string } : null;
}

/** Runs `fn` holding the lock file `path`; waits at most `timeoutMs` for it. Not re-entrant. */
export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = DEFAULT_LOCK_TIMEOUT_MS): Promise<T> {
  const token = await acquire(path, Date.now() + timeoutMs);
  try {
    removeStaleBreakers(path);
    return await fn();
  } finally {
    release(path, token);
  }
}

async function acquire(path: string, deadline: number): Promise<Token> {
  const mine = { pid: process.pid, nonce: randomHex(6), boot: BOOT };
  // The token is complete before the lock name exists: a holder killed at any instant leaves a readable lock.
  const temp = writeTempFile(dirname(path), basename(path), new TextEncoder().encode(`${mine.pid} ${mine.nonce} ${mine.boot}\n`));
  try {
    for (let attempt = 0; ; attempt++) {
      if (tryLink(temp, path)) return mine;
      const holder = readToken(path);
      if (holder === undefined) continue; // released between our link and our read
      if (holder !== null && isStale(holder)) {
        await breakStale(path, holder, deadline);
        continue;
      }
      if (Date.now() >= deadline) throw lockTimeout(path, holder);
      await Bun.sleep(1 + Math.random() * Math.min(1 + attempt, 20));
    }
  } finally {
    removeQuietly(temp);
  }
}

function tryLink(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "EEXIST") return false;
    throw ioError(`cannot create lock ${path}`, error);
  }
}

/**
 * Removes the stale lock `stale` from `path`. Holding the breaker lock for its nonce makes
 * the check-then-unlink safe: the dead holder cannot change `path`, plain acquirers only
 * create it, and every other breaker of that nonce waits. A breaker that dies is itself
 * broken the same way, one level down.
 */
async function breakStale(path: string, stale: Token, deadline: number): Promise<void> {
  const breaker = `${path}.break-${stale.nonce}`;
  const token = await acquire(breaker, deadline);
  try {
    if (readToken(path)?.nonce === stale.nonce) removeQuietly(path);
  } finally {
    release(breaker, token);
  }
}

function release(path: string, token: Token): void {
  try {
    if (readToken(path)?.nonce === token.nonce) removeQuietly(path);
  } catch {
    // Unreadable lock: it is not ours to remove.
  }
}

/** Breaker files of dead breakers. Safe while holding `path`: the nonces they guard are gone for good. */
function removeStaleBreakers(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.break-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const holder = readToken(join(dir, name));
    if (holder && isStale(holder)) removeQuietly(join(dir, name));
  }
}

function lockTimeout(path: string, holder: Token | null): InternalError {
  const who = holder ? `process ${holder.pid}` : "a file that is not a sentinel lock";
  return new InternalError(`timed out waiting for the state lock ${path}, held by ${who}; if no sentinel is running, delete that file`);
}
