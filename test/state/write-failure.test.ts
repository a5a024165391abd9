import { afterAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import { InternalError } from "../../src/errors.ts";
import { freshState, type Loaded } from "../../src/state/state-record.ts";
import { openStateStore } from "../../src/state/store.ts";
import type { StateFs } from "../../src/storage/atomic-file.ts";
import { fileKeystore, fileStore, listDir, removeTempRoots, tempRoot } from "./helpers.ts";

afterAll(removeTempRoots);

const NOW = 1_750_000_000;

function enospc(call: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${call}`), { code: "ENOSPC", errno: -28, syscall: call });
}

/** node:fs with one call failing as a full disk does. */
function fullDisk(call: "writeSync" | "fsyncSync"): StateFs {
  return {
    ...fs,
    [call]: () => {
      throw enospc(call === "writeSync" ? "write" : "fsync");
    },
  } as StateFs;
}

describe("a failing write at the fs seam", () => {
  for (const call of ["writeSync", "fsyncSync"] as const) {
    test(`${call} ENOSPC: previous state intact, error names path and errno, no temp file, lock released`, async () => {
      const { stateDir } = tempRoot();
      const good = await fileStore(stateDir);
      await good.update(() => freshState("LIC-1", 3600, NOW));
      const before = await good.read();

      const failing = openStateStore({ stateDir, keystore: await fileKeystore(stateDir), fs: fullDisk(call) });
      const attempt = failing.update((loaded: Loaded) => (loaded.kind === "ok" ? { ...loaded.state, grace_remaining_seconds: 0 } : null));
      await expect(attempt).rejects.toBeInstanceOf(InternalError);
      await expect(attempt).rejects.toThrow(`cannot write ${stateDir}/state.enc: ENOSPC: no space left on device`);

      expect(await good.read()).toEqual(before);
      expect(listDir(stateDir)).toEqual(["keystore.enc", "state.enc"]);
      // Nothing is held: the next save goes through at once.
      // A copy: the loaded state itself, handed back, would not be written at all.
      const after = await good.update((loaded) => (loaded.kind === "ok" ? { ...loaded.state } : null));
      expect(after?.generation).toBe(2);
    });
  }
});
