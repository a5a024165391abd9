// The machine's side of a STANDARD run: keystore, machine key and the state
// store, opened together. Every decision is taken on the freshly loaded state,
// under the state lock, and saved before the caller acts on it (spec 8.3).
import { readOsMachineId } from "../hardware/fingerprint.ts";
import { openKeystore, resolveKeystoreChoice } from "../keystore/auto.ts";
import { Entry } from "../keystore/keystore.ts";
import { loadOrCreateMachineKey } from "../keystore/machine-key.ts";
import { guardMemory } from "../keystore/memory-guard.ts";
import type { License } from "../license/validate.ts";
import { log } from "../log.ts";
import { resolveStateDir } from "../state/location.ts";
import { openStateStore } from "../state/store.ts";
import { type HeartbeatDecision, type Loaded, type SentinelState, startingState } from "./policy.ts";

export interface SessionOptions {
  stateDir?: string;
  keystore?: string;
}

export interface MachineSession {
  /** The state as it stood after opening (first run, licence change and tampering applied). */
  readonly state: SentinelState;
  readonly machineSecret: Uint8Array;
  /** Re-loads under the lock, decides on the latest state, saves, and returns the decision. */
  decide(choose: (current: SentinelState, now: number) => HeartbeatDecision): Promise<HeartbeatDecision>;
  /** Saves the latest state as it stands (with the time seen), deciding nothing; returns it. */
  touch(): Promise<SentinelState>;
  deleteState(): Promise<void>;
  /** Deletes the state file, then this state directory's keystore entries (spec 15.3). */
  forget(): Promise<void>;
  /** Zeroes the machine key. */
  close(): Promise<void>;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function openMachineSession(license: License, options: SessionOptions): Promise<MachineSession> {
  const dir = resolveStateDir(options.stateDir);
  const keystore = await openKeystore({
    choice: resolveKeystoreChoice(options.keystore),
    stateDir: dir,
    osMachineId: async () => (await readOsMachineId()).value,
  });
  // The store first: its lock keeps two first starts from storing two different keys.
  const store = openStateStore({ stateDir: dir, keystore });
  const machineKey = await loadOrCreateMachineKey(keystore, store.withLock);
  guardMemory(machineKey.secret);

  const decide = async (choose: (current: SentinelState, now: number) => HeartbeatDecision): Promise<HeartbeatDecision> => {
    let decision: HeartbeatDecision | undefined;
    await store.update((loaded: Loaded) => {
      if (loaded.kind === "tampered")
        log.warn(`local licence state was tampered with (${loaded.reason}): starting over with a new machine id and no grace`);
      // One clock reading per decision, for the state and the rule alike.
      const now = nowSeconds();
      decision = choose(startingState(loaded, license, now), now);
      return decision.state;
    });
    return decision as HeartbeatDecision;
  };

  const touch = async () => (await decide((current) => ({ state: current, verdict: { kind: "continue" } }))).state;
  const opened = await touch();
  return {
    state: opened,
    machineSecret: machineKey.secret,
    decide,
    touch,
    deleteState: () => store.delete(),
    forget: async () => {
      // The file before the generation entry, so a crash in between never reads back as a rollback.
      await store.delete();
      for (const entry of [Entry.stateKey, Entry.stateGeneration, Entry.machineKey]) await keystore.delete(entry);
    },
    close: async () => machineKey.zero(),
  };
}
