// Which keystore sealed a state directory (spec 12.2): keystore.enc means `file`; a plain
// marker file `keystore` holding `os` means `os`. Only that backend can open the state,
// so `auto` follows the record instead of probing, and never reads an os state as tampered.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { defaultFs, type StateFs, writeFileAtomic } from "../storage/atomic-file.ts";
import { encodeUtf8 } from "../text/utf8.ts";
import { KEYSTORE_FILE } from "./file.ts";
import type { KeystoreBackend } from "./keystore.ts";

export const MARKER_FILE = "keystore";
const STATE_FILE = "state.enc";

/**
 * The backend that sealed `stateDir`, or undefined when nothing is sealed there yet. A
 * state.enc with neither record predates the marker: the file backend always leaves
 * keystore.enc beside its state, so such a state was sealed by the os backend.
 */
export function recordedBackend(stateDir: string): KeystoreBackend | undefined {
  if (existsSync(join(stateDir, KEYSTORE_FILE))) return "file";
  const marker = join(stateDir, MARKER_FILE);
  if (existsSync(marker)) {
    const text = readFileSync(marker, "utf8").trim();
    if (text !== "os") throw new ConfigError(`${marker} should name the keystore that sealed this state ("os"), but holds something else`);
    return "os";
  }
  return existsSync(join(stateDir, STATE_FILE)) ? "os" : undefined;
}

/** Writes the os marker before the first state sealed by the os backend; a no-op once it is there. */
export function recordOsBackend(stateDir: string, fs: StateFs = defaultFs): void {
  if (!existsSync(join(stateDir, MARKER_FILE))) writeFileAtomic(stateDir, MARKER_FILE, encodeUtf8("os\n"), fs);
}

/** Spec 12.2's message when the recorded backend cannot be opened: 78, every file left as it was. */
export function sealedBackendUnavailable(stateDir: string, backend: KeystoreBackend, reason: string): ConfigError {
  return new ConfigError(`the state in ${stateDir} is sealed by the ${backend} keystore, which is unavailable: ${reason}`);
}
