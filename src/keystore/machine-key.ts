// The machine's signing key (spec 8.2 step 2): loaded from the keystore as PKCS#8 PEM,
// or made once and stored. Held only as the 32-byte scalar, which the caller zeroes on exit.
import { generateSecretKey } from "../crypto/es256.ts";
import { KeyFormatError, parsePrivateKeyPem, writePrivateKeyPem } from "../crypto/pem.ts";
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import { decodeUtf8, encodeUtf8 } from "../text/utf8.ts";
import { Entry, type Keystore, UnreadableEntryError } from "./keystore.ts";

/** The machine key as bytes only; `zero()` overwrites them once they are no longer needed. */
export interface MachineKey {
  readonly secret: Uint8Array;
  /** True when no usable key was stored and this one was just made (spec 12.3). */
  readonly created: boolean;
  zero(): void;
}

/** Serialises the load-or-create across processes; pass the state store's withLock. */
export type Serialize = <T>(fn: () => Promise<T>) => Promise<T>;

const unserialized: Serialize = (fn) => fn();

/**
 * The stored machine key's secret scalar, or a new one stored first. Run under the state
 * lock, two sentinels starting at once on a fresh machine agree on one key.
 */
export async function loadOrCreateMachineKey(keystore: Keystore, serialize: Serialize = unserialized): Promise<MachineKey> {
  const { secret, created } = await serialize(async () => {
    const stored = await loadStored(keystore);
    if (stored) return { secret: stored, created: false };
    const made = generateSecretKey();
    const pem = encodeUtf8(await writePrivateKeyPem(made));
    try {
      await keystore.set(Entry.machineKey, pem);
    } finally {
      pem.fill(0);
    }
    return { secret: made, created: true };
  });
  return { secret, created, zero: () => secret.fill(0) };
}

/** The stored scalar; null when there is none or it is unusable (a new machine identity follows). */
async function loadStored(keystore: Keystore): Promise<Uint8Array | null> {
  let pem: Uint8Array | null;
  try {
    pem = await keystore.get(Entry.machineKey);
  } catch (error) {
    if (!(error instanceof UnreadableEntryError)) throw error;
    log.warn(`${error.message}; making a new machine key`);
    return null;
  }
  if (!pem) return null;
  try {
    return parsePrivateKeyPem(decodeUtf8(pem));
  } catch (error) {
    if (!(error instanceof KeyFormatError || error instanceof TypeError)) throw error;
    log.warn(`the stored machine key is unusable (${describeError(error)}); making a new machine key`);
    return null;
  } finally {
    pem.fill(0);
  }
}
