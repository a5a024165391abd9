// The keystore interface (spec 5.2) shared by the os and file backends, and the
// names of its entries. Backends live in os.ts and file.ts; nothing here does I/O.
import { InternalError } from "../errors.ts";

export const KEYSTORE_SERVICE = "sentinel-drm";

export const Entry = {
  machineKey: "machine-private-key",
  stateKey: "state-encryption-key",
  stateGeneration: "state-generation",
} as const;

export type EntryName = (typeof Entry)[keyof typeof Entry];
export type KeystoreBackend = "os" | "file";

export interface Keystore {
  readonly backend: KeystoreBackend;
  /** The entry's bytes, null when absent; throws UnreadableEntryError when present but unusable. */
  get(name: EntryName): Promise<Uint8Array | null>;
  set(name: EntryName, value: Uint8Array): Promise<void>;
  /** Removes the entry; absent is not an error. */
  delete(name: EntryName): Promise<void>;
}

/**
 * An entry exists but cannot be read back (a keystore.enc copied from another
 * machine, an edited value). Callers treat it as tampering, not as absence.
 */
export class UnreadableEntryError extends InternalError {
  constructor(
    readonly entry: EntryName,
    reason: string,
  ) {
    super(`keystore entry ${entry} ${reason}`);
  }
}

/** Standard base64 as the keystore writes it; null for anything else (no whitespace, canonical padding). */
export function decodeBase64Strict(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = new Uint8Array(Buffer.from(text, "base64"));
  return Buffer.from(bytes).toString("base64") === text ? bytes : null;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}
