// The `os` keystore backend (spec 5.2): the platform credential store through
// Bun.secrets, entries suffixed per state directory. Every call is time-bounded.
import { resolve } from "node:path";
import { sha256Hex } from "../crypto/sha256.ts";
import { ConfigError, describeError } from "../errors.ts";
import { decodeBase64Strict, type EntryName, encodeBase64, KEYSTORE_SERVICE, type Keystore, UnreadableEntryError } from "./keystore.ts";

/** How long one credential-store call may take before the store counts as unusable. */
export const OS_CALL_TIMEOUT_MS = 10_000;

/** `<name>-<first 16 hex of SHA-256 of the absolute state directory>`: one set of entries per directory. */
export function osEntryName(name: string, stateDir: string): string {
  return `${name}-${sha256Hex(resolve(stateDir)).slice(0, 16)}`;
}

/** Rejects with `what` timed out after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createOsKeystore(stateDir: string, timeoutMs = OS_CALL_TIMEOUT_MS): Keystore {
  const key = (name: string) => ({ service: KEYSTORE_SERVICE, name: osEntryName(name, stateDir) });

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(work(), timeoutMs, what);
    } catch (error) {
      throw new ConfigError(`OS keystore unusable: ${what} failed: ${describeError(error)} (use --keystore file)`);
    }
  }

  return {
    backend: "os",
    async get(name: EntryName) {
      const text = await call(`reading ${name}`, () => Bun.secrets.get(key(name)));
      if (text === null) return null;
      // Values are base64 because the store holds strings; anything else was edited by hand.
      const value = decodeBase64Strict(text);
      if (!value) throw new UnreadableEntryError(name, "cannot be read: the OS keystore holds a value sentinel did not write");
      return value;
    },
    async set(name: EntryName, value: Uint8Array) {
      // An empty string would delete the entry (Bun.secrets semantics); no entry is ever empty.
      if (value.length === 0) throw new RangeError(`keystore entry ${name} cannot be empty`);
      await call(`writing ${name}`, () => Bun.secrets.set({ ...key(name), value: encodeBase64(value) }));
    },
    async delete(name: EntryName) {
      await call(`deleting ${name}`, () => Bun.secrets.delete(key(name)));
    },
  };
}

/**
 * Proves the store answers: a probe entry written, read back and deleted (read-only:
 * one read, so `sentinel status` creates nothing). Throws saying what failed.
 */
export async function probeOsKeystore(stateDir: string, readOnly: boolean, timeoutMs: number): Promise<void> {
  const probe = { service: KEYSTORE_SERVICE, name: osEntryName("probe", stateDir) };
  const value = encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
  const roundTrip = async () => {
    if (readOnly) {
      await Bun.secrets.get(probe);
      return;
    }
    await Bun.secrets.set({ ...probe, value });
    const back = await Bun.secrets.get(probe);
    await Bun.secrets.delete(probe);
    if (back !== value) throw new Error("a probe entry written to it did not read back");
  };
  await withTimeout(roundTrip(), timeoutMs, "the OS keystore probe");
}
