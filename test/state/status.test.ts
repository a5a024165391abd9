import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import type { Keystore } from "../../src/keystore/keystore.ts";
import { freshState } from "../../src/state/state-record.ts";
import { openStateStore } from "../../src/state/store.ts";
import { fileKeystore, fileStore, removeTempRoots, tempRoot } from "./helpers.ts";

afterAll(removeTempRoots);

/** A keystore that records every call, to prove status writes nothing. */
function recording(inner: Keystore, calls: string[]): Keystore {
  return {
    backend: inner.backend,
    get: (name) => (calls.push(`get ${name}`), inner.get(name)),
    set: (name, value) => (calls.push(`set ${name}`), inner.set(name, value)),
    delete: (name) => (calls.push(`delete ${name}`), inner.delete(name)),
  };
}

describe("the store's read, as `sentinel status` uses it", () => {
  test("no state on this machine: none, and the directory is not created", async () => {
    const { root, stateDir } = tempRoot();
    const calls: string[] = [];
    expect(await openStateStore({ stateDir, keystore: recording(await fileKeystore(stateDir), calls) }).read()).toEqual({ kind: "none" });
    expect(existsSync(stateDir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
    expect(calls).toEqual([]);
  });

  test("the saved state, read without writing anything", async () => {
    const { stateDir } = tempRoot();
    const saved = await (await fileStore(stateDir)).update(() => freshState("LIC-1", 60, 1));
    const before = readdirSync(stateDir).sort();
    const calls: string[] = [];
    expect(await openStateStore({ stateDir, keystore: recording(await fileKeystore(stateDir), calls) }).read()).toEqual({
      kind: "ok",
      state: saved as NonNullable<typeof saved>,
    });
    expect(readdirSync(stateDir).sort()).toEqual(before);
    expect(calls.every((call) => call.startsWith("get "))).toBe(true);
  });
});
