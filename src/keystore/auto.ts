// Choosing and opening the keystore backend (spec 5.2): --keystore beats
// SENTINEL_KEYSTORE beats "auto"; auto probes the OS store and otherwise uses the file.
import { ConfigError, describeError, UsageError } from "../errors.ts";
import { log } from "../log.ts";
import { recordedBackend, sealedBackendUnavailable } from "./backend-record.ts";
import { createFileKeystore } from "./file.ts";
import type { Keystore, KeystoreBackend } from "./keystore.ts";
import { createOsKeystore, probeOsKeystore } from "./os.ts";

export type KeystoreChoice = "auto" | "os" | "file";

/** Short, so a hung D-Bus delays start-up by this much at most. */
export const PROBE_TIMEOUT_MS = 2_000;

export function resolveKeystoreChoice(flag?: string, env: Record<string, string | undefined> = process.env): KeystoreChoice {
  const value = flag || env.SENTINEL_KEYSTORE || "auto";
  if (value === "auto" || value === "os" || value === "file") return value;
  throw new UsageError(`${flag ? "--keystore" : "SENTINEL_KEYSTORE"} must be auto, os or file (got ${value})`);
}

export interface OpenKeystoreOptions {
  choice: KeystoreChoice;
  stateDir: string;
  /** The OS machine id (spec 5.2), read only when the file backend is used. */
  osMachineId: () => Promise<string>;
  /** Probe without writing, for read-only commands (`sentinel status`). */
  readOnly?: boolean;
  probeTimeoutMs?: number;
}

/** The keystore to use; throws ConfigError (78) naming what failed and the other choice. */
export async function openKeystore(options: OpenKeystoreOptions): Promise<Keystore> {
  const { choice, stateDir } = options;
  const recorded = recordedBackend(stateDir);
  if (recorded) return openRecorded(options, recorded);
  if (choice === "file") return openFileKeystore(options, "use --keystore os");
  const failure = await probeOs(options);
  if (failure === null) {
    log.debug("keystore: os (the OS credential store answered the probe)");
    return createOsKeystore(stateDir);
  }
  if (choice === "os") throw new ConfigError(`OS keystore unusable: ${failure} (use --keystore file)`);
  log.debug(`keystore: file (OS keystore unusable: ${failure})`);
  return openFileKeystore(options, `and the OS keystore is unusable too: ${failure}`);
}

/**
 * Spec 12.2: a sealed directory opens only with the backend that sealed it. Switching
 * because a probe failed once (or D-Bus came up later) would read the state as tampered
 * and burn a seat; a different explicit choice is refused for the same reason.
 */
async function openRecorded(options: OpenKeystoreOptions, recorded: KeystoreBackend): Promise<Keystore> {
  const { choice, stateDir } = options;
  if (choice !== "auto" && choice !== recorded)
    throw new ConfigError(
      `the state in ${stateDir} is sealed by the ${recorded} keystore, not ${choice} (use --keystore ${recorded} or auto)`,
    );
  log.debug(`keystore: ${recorded} (the state directory is sealed by it)`);
  if (recorded === "file") {
    try {
      return await createFileKeystore({ stateDir, osMachineId: await options.osMachineId() });
    } catch (error) {
      throw sealedBackendUnavailable(stateDir, "file", `cannot read the OS machine id: ${describeError(error)}`);
    }
  }
  const failure = await probeOs(options);
  if (failure !== null) throw sealedBackendUnavailable(stateDir, "os", failure);
  return createOsKeystore(stateDir);
}

/** Null when the OS store works, else what failed. */
async function probeOs(options: OpenKeystoreOptions): Promise<string | null> {
  try {
    await probeOsKeystore(options.stateDir, options.readOnly ?? false, options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
    return null;
  } catch (error) {
    return describeError(error);
  }
}

async function openFileKeystore(options: OpenKeystoreOptions, alternative: string): Promise<Keystore> {
  try {
    return await createFileKeystore({ stateDir: options.stateDir, osMachineId: await options.osMachineId() });
  } catch (error) {
    throw new ConfigError(`file keystore unusable: cannot read the OS machine id: ${describeError(error)} (${alternative})`);
  }
}
