// The `file` keystore backend (spec 5.2): keystore.enc in the state directory, each
// entry sealed under SHA-256("sentinel-drm-keystore:" + OS machine id). Writes only keystore.enc.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Bytes } from "../crypto/sha256.ts";
import { errno } from "../errno.ts";
import { defaultFs, ioError, type StateFs, writeFileAtomic } from "../storage/atomic-file.ts";
import { ensureStateDir } from "../storage/location.ts";
import { withLock } from "../storage/lock.ts";
import { importSealKey, seal, unseal } from "../storage/seal.ts";
import { encodeUtf8 } from "../text/utf8.ts";
import { decodeBase64Strict, type EntryName, encodeBase64, type Keystore, UnreadableEntryError } from "./keystore.ts";

export const KEYSTORE_FILE = "keystore.enc";
const LOCK_FILE = "keystore.lock";

export interface FileKeystoreOptions {
  stateDir: string;
  /** The OS machine id (spec 5.2); a copy of keystore.enc on another machine cannot be opened. */
  osMachineId: string;
  fs?: StateFs;
}

/** Entry map as stored, or "unparsable" when the file is not a JSON object of strings. */
type Vault = Map<string, string> | "unparsable";

export async function createFileKeystore(options: FileKeystoreOptions): Promise<Keystore> {
  const machineId = options.osMachineId.trim();
  if (!machineId) throw new Error("the OS machine id is empty");
  const vaultKey = await importSealKey(sha256Bytes(`sentinel-drm-keystore:${machineId}`));
  const { stateDir } = options;
  const fs = options.fs ?? defaultFs;
  const path = join(stateDir, KEYSTORE_FILE);

  function readVault(): Vault {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if (errno(error) === "ENOENT") return new Map();
      throw ioError(`cannot read ${path}`, error);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "unparsable";
      const entries = Object.entries(parsed);
      return entries.every(([, value]) => typeof value === "string") ? new Map(entries) : "unparsable";
    } catch {
      return "unparsable";
    }
  }

  /** Read-modify-write under keystore.lock, so two processes never drop each other's entries. */
  async function change(edit: (vault: Map<string, string>) => boolean): Promise<void> {
    ensureStateDir(stateDir);
    await withLock(join(stateDir, LOCK_FILE), async () => {
      const current = readVault();
      // An unparsable file holds nothing we could ever read back: start over.
      const vault = current === "unparsable" ? new Map<string, string>() : current;
      if (!edit(vault)) return;
      writeFileAtomic(stateDir, KEYSTORE_FILE, encodeUtf8(JSON.stringify(Object.fromEntries(vault))), fs);
    });
  }

  return {
    backend: "file",
    async get(name: EntryName) {
      const vault = readVault();
      if (vault === "unparsable") throw new UnreadableEntryError(name, `cannot be read: ${path} is not a keystore file`);
      const stored = vault.get(name);
      if (stored === undefined) return null;
      const sealed = decodeBase64Strict(stored);
      const value = sealed && (await unseal(vaultKey, sealed));
      if (!value) throw new UnreadableEntryError(name, `cannot be decrypted: ${path} was written on another machine or modified`);
      return value;
    },
    async set(name: EntryName, value: Uint8Array) {
      const sealed = encodeBase64(await seal(vaultKey, value));
      await change((vault) => (vault.set(name, sealed), true));
    },
    async delete(name: EntryName) {
      if (existsSync(path)) await change((vault) => vault.delete(name));
    },
  };
}
