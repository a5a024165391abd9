// Inter-process lock files in the state directory (spec 5.3, 12.7). A lock is a file made
// atomically with link(2), holding "<pid> <nonce> <boot> <start>"; a dead holder's lock is
// broken only by whoever holds "<lock>.break-<nonce>", so two breakers can never both win.
import { linkSync, readdirSync, readFileSync, statSync } from "node:fs";
import { uptime } from "node:os";
import { basename, dirname, join } from "node:path";
import { errno } from "../errno.ts";
import { InternalError } from "../errors.ts";
import { encodeUtf8 } from "../text/utf8.ts";
import { defaultFs, ioError, randomHex, removeQuietly, writeTempFile } from "./atomic-file.ts";
import { BOOT_ID, OWN_START, processStartTime, sameBoot } from "./process-identity.ts";
import { isProcessAlive } from "./stale-files.ts";

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

interface Token {
  pid: number;
  nonce: string;
  boot: string;
  /** The holder's start time ("-" unknown, or a lock written before start times were recorded). */
  start: string;
}

/** Nonces of the locks this process holds or is acquiring: any other lock naming our pid is an earlier process's. */
const ours = new Set<string>();

/**
 * A holder is stale when it belongs to another boot, its pid is gone, its pid is ours but
 * the lock is not (an earlier process with our pid: containers reuse pids), or its pid is
 * alive but started at another time than the holder did.
 */
function isStale(holder: Token): boolean {
  if (!sameBoot(holder.boot, BOOT_ID)) return true;
  if (holder.pid === process.pid) return !ours.has(holder.nonce);
  if (!isProcessAlive(holder.pid)) return true;
  const start = holder.start === "-" ? "-" : processStartTime(holder.pid);
  return start !== "-" && start !== holder.start;
}

/**
 * A lock file that holds no token (a power cut can leave it empty: tokens are not fsynced,
 * locks need no durability) is stale when it was last written before this boot.
 */
function isFromEarlierBoot(path: string): boolean {
  try {
    return statSync(path).mtimeMs < Date.now() - uptime() * 1000 - 60_000;
  } catch {
    return false;
  }
}

/** Whether the lock file at `path`, holding `holder` (null: no token), was left by a holder that is gone. */
const isStaleFile = (path: string, holder: Token | null) => (holder === null ? isFromEarlierBoot(path) : isStale(holder));

/** The holder of `path`: undefined when there is no lock, null when the file is not a lock token. */
function readToken(path: string): Token | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw ioError(`cannot read lock ${path}`, error);
  }
  const match = /^(\d+) ([0-9a-f]{12}) (\S+)(?: (\S+))?\n$/.exec(text);
  return match ? { pid: Number(match[1]), nonce: match[2] as string, boot: match[3] as string, start: match[4] ?? "-" } : null;
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
  const mine = { pid: process.pid, nonce: randomHex(6), boot: BOOT_ID, start: OWN_START };
  // The token is complete before the lock name exists: a holder killed at any instant leaves a readable lock.
  const text = `${mine.pid} ${mine.nonce} ${mine.boot} ${mine.start}\n`;
  // Not fsynced (five fsyncs of every STANDARD start were lock tokens, issue 15): after a crash
  // of the machine the lock is stale whatever its bytes say (another boot, or isFromEarlierBoot).
  const temp = writeTempFile(dirname(path), basename(path), encodeUtf8(text), defaultFs, false);
  ours.add(mine.nonce);
  let acquired = false;
  try {
    for (let attempt = 0; ; attempt++) {
      if (tryLink(temp, path)) {
        acquired = true;
        return mine;
      }
      const holder = readToken(path);
      if (holder === undefined) continue; // released between our link and our read
      if (isStaleFile(path, holder)) {
        await breakStale(path, holder, deadline);
        continue;
      }
      if (Date.now() >= deadline) throw lockTimeout(path, holder);
      await Bun.sleep(1 + Math.random() * Math.min(1 + attempt, 20));
    }
  } finally {
    if (!acquired) ours.delete(mine.nonce);
    removeQuietly(temp);
  }
}

function tryLink(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errno(error) === "EEXIST") return false;
    throw ioError(`cannot create lock ${path}`, error);
  }
}

/**
 * Removes the stale lock `stale` (null: an unreadable one) from `path`. Holding the breaker lock for its nonce makes
 * the check-then-unlink safe: the dead holder cannot change `path`, plain acquirers only
 * create it, and every other breaker of that nonce waits. A breaker that dies is itself
 * broken the same way, one level down.
 */
async function breakStale(path: string, stale: Token | null, deadline: number): Promise<void> {
  const breaker = `${path}.break-${stale?.nonce ?? "unreadable"}`;
  const token = await acquire(breaker, deadline);
  try {
    const now = readToken(path);
    if (stale ? now?.nonce === stale.nonce : now === null && isFromEarlierBoot(path)) removeQuietly(path);
  } finally {
    release(breaker, token);
  }
}

function release(path: string, token: Token): void {
  try {
    if (readToken(path)?.nonce === token.nonce) removeQuietly(path);
  } catch {
    // Unreadable lock: it is not ours to remove.
  } finally {
    ours.delete(token.nonce);
  }
}

/** Breaker files of dead breakers. Safe while holding `path`: the nonces they guard are gone for good. */
function removeStaleBreakers(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.break-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const holder = readToken(join(dir, name));
    if (holder !== undefined && isStaleFile(join(dir, name), holder)) removeQuietly(join(dir, name));
  }
}

function lockTimeout(path: string, holder: Token | null): InternalError {
  const who = holder ? `process ${holder.pid}` : "a file that is not a sentinel lock";
  return new InternalError(`timed out waiting for the state lock ${path}, held by ${who}; if no sentinel is running, delete that file`);
}
