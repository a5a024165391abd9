// Test helpers for the state and keystore suites: throwaway state directories and
// file keystores bound to a fake OS machine id, and a deadline poller.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileKeystore } from "../../src/keystore/file.ts";
import type { Keystore } from "../../src/keystore/keystore.ts";
import { openStateStore, type StateStore } from "../../src/state/store.ts";

export const MACHINE_A = "0f2c4e6a8b1d3f5071a2b4c6d8e0f123";
export const MACHINE_B = "9e8d7c6b5a4938271605f4e3d2c1b0a9";

const made: string[] = [];

/** A new empty directory under the OS temp dir; `stateDir` inside it does not exist yet. */
export function tempRoot(): { root: string; stateDir: string } {
  const root = mkdtempSync(join(tmpdir(), "sentinel-state-test-"));
  made.push(root);
  return { root, stateDir: join(root, "state") };
}

export function removeTempRoots(): void {
  for (const root of made.splice(0)) rmSync(root, { recursive: true, force: true });
}

export function fileKeystore(stateDir: string, machineId = MACHINE_A): Promise<Keystore> {
  return createFileKeystore({ stateDir, osMachineId: machineId });
}

export async function fileStore(stateDir: string, machineId = MACHINE_A): Promise<StateStore> {
  return openStateStore({ stateDir, keystore: await fileKeystore(stateDir, machineId) });
}

/** Every name in `dir`, sorted. */
export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Lines a child writes on stdout, as they arrive. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  }
  if (buffer) yield buffer;
}
