// The encrypted state file (spec 5.3): state.enc sealed under the keystore's
// state-encryption-key, its generation mirrored in the keystore, every change made under
// the state lock. Reports tampering as a value; what to do about it is the caller's policy.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { errno } from "../errno.ts";
import { InternalError } from "../errors.ts";
import { recordOsBackend } from "../keystore/backend-record.ts";
import { Entry, type EntryName, type Keystore, UnreadableEntryError } from "../keystore/keystore.ts";
import { defaultFs, ioError, removeFileDurably, type StateFs, writeFileAtomic } from "../storage/atomic-file.ts";
import { ensureStateDir } from "../storage/location.ts";
import { DEFAULT_LOCK_TIMEOUT_MS, withLock } from "../storage/lock.ts";
import { importSealKey, MIN_SEALED_BYTES, seal, unseal } from "../storage/seal.ts";
import { removeStaleTemps } from "../storage/stale-files.ts";
import { decodeUtf8, decodeUtf8Lossy, encodeUtf8 } from "../text/utf8.ts";
import { checkState, type Loaded, type State } from "./state-record.ts";

export const STATE_FILE = "state.enc";
export const STATE_LOCK = "state.lock";

export interface StateStore {
  readonly stateDir: string;
  /** The state as it is now; read-only, no lock, creates nothing. */
  read(): Promise<Loaded>;
  /**
   * Under the lock: loads, calls `mutate`, saves what it returns (null deletes), returns what
   * was saved. The loaded state itself, returned as it came, is not written again.
   */
  update(mutate: (loaded: Loaded) => State | null): Promise<State | null>;
  delete(): Promise<void>;
  /** Runs `fn` under the state lock (not re-entrant: never call update inside it). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

export interface StateStoreOptions {
  stateDir: string;
  keystore: Keystore;
  fs?: StateFs;
  lockTimeoutMs?: number;
}

type EntryRead = { kind: "value"; bytes: Uint8Array } | { kind: "missing" } | { kind: "unreadable"; reason: string };

async function readEntry(keystore: Keystore, name: EntryName): Promise<EntryRead> {
  try {
    const bytes = await keystore.get(name);
    return bytes ? { kind: "value", bytes } : { kind: "missing" };
  } catch (error) {
    if (error instanceof UnreadableEntryError) return { kind: "unreadable", reason: error.message };
    throw error;
  }
}

/** The keystore's generation, or why it cannot vouch for the file. */
function parseGeneration(entry: EntryRead): number | string {
  if (entry.kind === "missing") return "the state generation is missing from the keystore";
  if (entry.kind === "unreadable") return entry.reason;
  const text = decodeUtf8Lossy(entry.bytes);
  return /^\d{1,15}$/.test(text) ? Number(text) : "the state generation in the keystore is malformed";
}

export function openStateStore(options: StateStoreOptions): StateStore {
  const { stateDir, keystore } = options;
  const fs = options.fs ?? defaultFs;
  const path = join(stateDir, STATE_FILE);
  const tampered = (reason: string): Loaded => ({ kind: "tampered", reason });
  const locked = <T>(fn: () => Promise<T>) => {
    ensureStateDir(stateDir);
    return withLock(join(stateDir, STATE_LOCK), fn, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  };

  function readSealed(): Uint8Array | null {
    try {
      return new Uint8Array(readFileSync(path));
    } catch (error) {
      if (errno(error) === "ENOENT") return null;
      throw ioError(`cannot read ${path}`, error);
    }
  }

  async function load(): Promise<{ loaded: Loaded; generation: number | string }> {
    // Generation before file: a save writes the file first, so a reader never pairs a
    // generation with an older file than the one that produced it.
    const generation = parseGeneration(await readEntry(keystore, Entry.stateGeneration));
    const sealed = readSealed();
    return { loaded: sealed ? await decrypt(sealed, generation) : { kind: "none" }, generation };
  }

  async function decrypt(sealed: Uint8Array, generation: number | string): Promise<Loaded> {
    if (sealed.length < MIN_SEALED_BYTES) return tampered(`${path} is truncated (${sealed.length} bytes)`);
    const key = await readEntry(keystore, Entry.stateKey);
    if (key.kind === "missing") return tampered("the state key is missing from the keystore");
    if (key.kind === "unreadable") return tampered(key.reason);
    if (key.bytes.length !== 32) return tampered("the state key in the keystore is malformed");
    const plain = await unseal(await importSealKey(key.bytes), sealed);
    key.bytes.fill(0);
    if (!plain) return tampered(`${path} failed authentication: modified, truncated, or encrypted under another key`);
    let state: State | string;
    try {
      state = checkState(JSON.parse(decodeUtf8(plain)));
    } catch {
      state = "not JSON";
    }
    if (typeof state === "string") return tampered(`${path} decrypts but is not a valid state: ${state}`);
    if (typeof generation === "string") return tampered(generation);
    if (state.generation < generation) {
      return tampered(`${path} was rolled back: its generation ${state.generation} is below the keystore's ${generation}`);
    }
    return { kind: "ok", state };
  }

  /** The state key, made from the CSPRNG on first use or when the old one is gone. */
  async function writingKey(): Promise<CryptoKey> {
    const entry = await readEntry(keystore, Entry.stateKey);
    let raw: Uint8Array;
    if (entry.kind === "value" && entry.bytes.length === 32) raw = entry.bytes;
    else {
      raw = crypto.getRandomValues(new Uint8Array(32));
      await keystore.set(Entry.stateKey, raw);
    }
    const key = await importSealKey(raw);
    raw.fill(0);
    return key;
  }

  async function save(next: State, loaded: Loaded, generation: number | string): Promise<State> {
    const known = typeof generation === "number" ? generation : 0;
    const base = Math.max(loaded.kind === "ok" ? loaded.state.generation : 0, known);
    const checked = checkState({ ...next, generation: base + 1 });
    if (typeof checked === "string") throw new InternalError(`refusing to save an invalid state: ${checked}`);
    // The record of who sealed the directory exists before anything it seals (spec 12.2).
    if (keystore.backend === "os") recordOsBackend(stateDir, fs);
    const key = await writingKey();
    // The keystore must vouch for a generation before a file carrying it exists, or a
    // crash between the two writes would read back as tampering.
    if (typeof generation === "string") await keystore.set(Entry.stateGeneration, encodeUtf8(String(base)));
    writeFileAtomic(stateDir, STATE_FILE, await seal(key, encodeUtf8(JSON.stringify(checked))), fs);
    await keystore.set(Entry.stateGeneration, encodeUtf8(String(checked.generation)));
    return checked;
  }

  return {
    stateDir,
    read: async () => (existsSync(path) ? (await load()).loaded : { kind: "none" }),
    update: (mutate) =>
      locked(async () => {
        removeStaleTemps(stateDir, fs);
        const { loaded, generation } = await load();
        const next = mutate(loaded);
        if (loaded.kind === "ok" && next === loaded.state) return next;
        if (next !== null) return save(next, loaded, generation);
        removeFileDurably(stateDir, STATE_FILE, fs);
        return null;
      }),
    delete: async () => {
      if (existsSync(stateDir)) await locked(async () => removeFileDurably(stateDir, STATE_FILE, fs));
    },
    withLock: locked,
  };
}
