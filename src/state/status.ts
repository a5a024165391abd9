// `sentinel status` (spec 9.1): the local state, strictly read-only. Never creates the
// state directory, a file in it, or a keystore entry; the caller prints the result.
import { existsSync } from "node:fs";
import { readOsMachineId } from "../hardware/fingerprint.ts";
import { openKeystore, resolveKeystoreChoice } from "../keystore/auto.ts";
import type { Keystore } from "../keystore/keystore.ts";
import type { Loaded } from "./state-record.ts";
import { openStateStore } from "./store.ts";

export interface StatusInput {
  stateDir: string;
  /** Open it with `openKeystore({ ..., readOnly: true })` so the probe writes nothing either. */
  keystore: Keystore;
}

/** "none" when this machine has no state (nothing is created); otherwise what a load finds. */
export async function readStatus({ stateDir, keystore }: StatusInput): Promise<Loaded> {
  if (!existsSync(stateDir)) return { kind: "none" };
  return openStateStore({ stateDir, keystore }).read();
}

/** What `readStatus` finds in `stateDir`, with the keystore chosen as `--keystore` says and opened read-only. */
export async function readLocalState(stateDir: string, keystoreFlag?: string): Promise<{ loaded: Loaded; backend: string }> {
  if (!existsSync(stateDir)) return { loaded: { kind: "none" }, backend: "none" };
  const keystore = await openKeystore({
    choice: resolveKeystoreChoice(keystoreFlag),
    stateDir,
    osMachineId: async () => (await readOsMachineId()).value,
    readOnly: true,
  });
  return { loaded: await readStatus({ stateDir, keystore }), backend: keystore.backend };
}
