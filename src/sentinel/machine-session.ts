// The machine's side of a STANDARD run: keystore, machine key and the state
// store, opened together. Every decision is taken on the freshly loaded state,
// under the state lock, and saved before the caller acts on it (spec 8.3). Once the
// software runs, the state in memory is authoritative: a save that fails is logged
// and retried at the next event, and the decision stands (spec 12.1).
import { describeError } from "../errors.ts";
import { readOsMachineId } from "../hardware/fingerprint.ts";
import { openKeystore, resolveKeystoreChoice } from "../keystore/auto.ts";
import { Entry } from "../keystore/keystore.ts";
import { loadOrCreateMachineKey } from "../keystore/machine-key.ts";
import { guardMemory } from "../keystore/memory-guard.ts";
import type { StandardLicense } from "../license/validate.ts";
import { log } from "../log.ts";
import type { Loaded, State } from "../state/state-record.ts";
import { openStateStore } from "../state/store.ts";
import { ensureStateDir, resolveStateDir } from "../storage/location.ts";
import { type HeartbeatDecision, keepStricter, startingState } from "./policy.ts";
import { cannotSave } from "./save-failure.ts";
import { lockTimeoutMs } from "./timing.ts";

export interface SessionOptions {
  stateDir?: string;
  keystore?: string;
}

export type Choose = (current: State, now: number) => HeartbeatDecision;

/** Whether two states differ only in the time last seen (or not at all). */
function sameBeyondLastSeen(a: State, b: State): boolean {
  const { last_seen: _a, ...restA } = a;
  const { last_seen: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

export interface MachineSession {
  /** The state as it stood after opening (first run, licence change and tampering applied). */
  readonly state: State;
  readonly machineSecret: Uint8Array;
  /**
   * Re-loads under the lock, decides on the latest state, saves, and returns the decision.
   * Before launch a failed save throws (70); once `launched()`, it is logged and the
   * decision, taken on the state in memory, is returned all the same.
   */
  decide(choose: Choose): Promise<HeartbeatDecision>;
  /** Saves the latest state as it stands (with the time seen), deciding nothing; returns it. */
  touch(): Promise<State>;
  /** The software is about to start: from now on the state in memory is authoritative. */
  launched(): void;
  deleteState(): Promise<void>;
  /** Deletes the state file, then this state directory's keystore entries (spec 15.3). */
  forget(): Promise<void>;
  /** Zeroes the machine key. */
  close(): Promise<void>;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function openMachineSession(license: StandardLicense, options: SessionOptions): Promise<MachineSession> {
  const dir = resolveStateDir(options.stateDir);
  const keystore = await openKeystore({
    choice: resolveKeystoreChoice(options.keystore),
    stateDir: dir,
    osMachineId: async () => (await readOsMachineId()).value,
  });
  // A directory that cannot be made is a configuration problem (78), not a failed save.
  ensureStateDir(dir);
  // The store first: its lock keeps two first starts from storing two different keys.
  const store = openStateStore({ stateDir: dir, keystore, lockTimeoutMs: lockTimeoutMs() });
  const machineKey = await loadOrCreateMachineKey(keystore, store.withLock).catch(cannotSave);
  guardMemory(machineKey.secret);

  let memory: State | undefined;
  let running = false;

  /** `onlyChanges`: a decision that only moves `last_seen` is not written (the next one, moments later, is). */
  const decide = async (choose: Choose, { onlyChanges = false } = {}): Promise<HeartbeatDecision> => {
    let decision: HeartbeatDecision | undefined;
    let refusal: { error: unknown } | undefined;
    try {
      await store.update((loaded: Loaded) => {
        if (loaded.kind === "tampered")
          log.warn(`local licence state was tampered with (${loaded.reason}): starting over with a new machine id and no grace`);
        // One clock reading per decision, for the state and the rule alike.
        const now = nowSeconds();
        try {
          decision = choose(keepStricter(startingState(loaded, license, now), memory), now);
        } catch (error) {
          refusal = { error };
          throw error;
        }
        // Handing back the loaded state itself tells the store there is nothing to write.
        if (onlyChanges && loaded.kind === "ok" && sameBeyondLastSeen(decision.state, loaded.state)) return loaded.state;
        return decision.state;
      });
    } catch (error) {
      // A rule that refuses (e.g. an offline response that fails a check) saves nothing by design: not a save failure.
      if (refusal) throw refusal.error;
      if (!running || memory === undefined) cannotSave(error);
      log.error(`cannot save state: ${describeError(error)}; the decision stands and the save is retried at the next event`);
      if (decision === undefined) {
        const now = nowSeconds();
        decision = choose({ ...memory, last_seen: Math.max(memory.last_seen, now) }, now);
      }
    }
    memory = (decision as HeartbeatDecision).state;
    return decision as HeartbeatDecision;
  };

  const touch = async () => (await decide((current) => ({ state: current, verdict: { kind: "continue" } }))).state;
  // Saved only when opening changed something (a first run, tampering, another licence, a lost
  // key): every caller decides again before acting, and that decision saves the time seen.
  const opened = await decide(
    (current) => {
      // Spec 12.3: a machine key lost from a working keystore means activating again, same machine id.
      if (!machineKey.created || !current.activated) return { state: current, verdict: { kind: "continue" } };
      log.warn("the machine key is missing from the keystore: a new one was made and this machine activates again");
      return { state: { ...current, activated: false }, verdict: { kind: "continue" } };
    },
    { onlyChanges: true },
  ).catch((error) => {
    machineKey.zero();
    throw error;
  });
  return {
    state: opened.state,
    machineSecret: machineKey.secret,
    decide,
    touch,
    launched: () => {
      running = true;
    },
    deleteState: () => store.delete(),
    forget: async () => {
      // The file before the generation entry, so a crash in between never reads back as a rollback.
      await store.delete();
      for (const entry of [Entry.stateKey, Entry.stateGeneration, Entry.machineKey]) await keystore.delete(entry);
    },
    close: async () => machineKey.zero(),
  };
}
