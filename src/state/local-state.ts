// The local state read strictly read-only (`status`, `deactivate`, `doctor`): the keystore
// chosen as `--keystore` says and opened read-only, nothing created or written.
import { existsSync } from "node:fs";
import { readOsMachineId } from "../hardware/fingerprint.ts";
import { openKeystore, resolveKeystoreChoice } from "../keystore/auto.ts";
import type { Loaded } from "./state-record.ts";
import { openStateStore } from "./store.ts";

/** What `stateDir` holds, and the keystore backend that opened it ("none" without a directory). */
export async function readLocalState(stateDir: string, keystoreFlag?: string): Promise<{ loaded: Loaded; backend: string }> {
  if (!existsSync(stateDir)) return { loaded: { kind: "none" }, backend: "none" };
  const keystore = await openKeystore({
    choice: resolveKeystoreChoice(keystoreFlag),
    stateDir,
    osMachineId: async () => (await readOsMachineId()).value,
    readOnly: true,
  });
  return { loaded: await openStateStore({ stateDir, keystore }).read(), backend: keystore.backend };
}
