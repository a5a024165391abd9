// Runs against a real Secret Service. Without a session bus it skips and says so;
// test/keystore/run-os-backend.sh provides one (dbus-run-session + gnome-keyring).
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { publicPointOf } from "../../src/crypto/es256.ts";
import { openKeystore } from "../../src/keystore/auto.ts";
import { Entry, type EntryName, KEYSTORE_SERVICE, type Keystore, UnreadableEntryError } from "../../src/keystore/keystore.ts";
import { loadOrCreateMachineKey } from "../../src/keystore/machine-key.ts";
import { osEntryName } from "../../src/keystore/os.ts";
import { freshState, type Loaded } from "../../src/state/state-record.ts";
import { openStateStore, STATE_FILE } from "../../src/state/store.ts";
import { removeTempRoots, tempRoot } from "../state/helpers.ts";

const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
if (!hasBus) {
  console.warn("os keystore tests SKIPPED: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset); run test/keystore/run-os-backend.sh");
}

const used: string[] = [];
afterAll(async () => {
  for (const stateDir of used) {
    for (const name of [...Object.values(Entry), "probe"])
      await Bun.secrets.delete({ service: KEYSTORE_SERVICE, name: osEntryName(name, stateDir) });
  }
  removeTempRoots();
});

async function osKeystore(): Promise<{ stateDir: string; keystore: Keystore }> {
  const { stateDir } = tempRoot();
  used.push(stateDir);
  const keystore = await openKeystore({ choice: "os", stateDir, osMachineId: () => Promise.reject(new Error("not needed")) });
  return { stateDir, keystore };
}

const reasonOf = (loaded: Loaded) => (loaded.kind === "tampered" ? loaded.reason : `not tampered: ${loaded.kind}`);

describe.skipIf(!hasBus)("os keystore on a real Secret Service", () => {
  test("auto chooses os when the probe succeeds, and the probe leaves no entry behind", async () => {
    const { stateDir } = tempRoot();
    used.push(stateDir);
    const keystore = await openKeystore({ choice: "auto", stateDir, osMachineId: async () => "unused" });
    expect(keystore.backend).toBe("os");
    expect(await Bun.secrets.get({ service: KEYSTORE_SERVICE, name: osEntryName("probe", stateDir) })).toBeNull();
  });

  test("binary values round-trip; absent reads null; deleting twice is fine", async () => {
    const { keystore } = await osKeystore();
    const value = crypto.getRandomValues(new Uint8Array(32));
    value[0] = 0;
    expect(await keystore.get(Entry.stateKey)).toBeNull();
    await keystore.set(Entry.stateKey, value);
    expect(await keystore.get(Entry.stateKey)).toEqual(value);
    await keystore.delete(Entry.stateKey);
    await keystore.delete(Entry.stateKey);
    expect(await keystore.get(Entry.stateKey)).toBeNull();
  });

  test("entries are named <entry>-<16 hex of SHA-256(state dir)> under service sentinel-drm, one set per directory", async () => {
    const first = await osKeystore();
    const second = await osKeystore();
    await first.keystore.set(Entry.stateGeneration, new TextEncoder().encode("7"));
    const suffix = createHash("sha256").update(first.stateDir).digest("hex").slice(0, 16);
    const stored = await Bun.secrets.get({ service: "sentinel-drm", name: `state-generation-${suffix}` });
    expect(stored).toBe(Buffer.from("7").toString("base64"));
    expect(await second.keystore.get(Entry.stateGeneration)).toBeNull();
  });

  test("the state store works on it, generation mirrored there, rollback detected", async () => {
    const { stateDir, keystore } = await osKeystore();
    const store = openStateStore({ stateDir, keystore });
    await store.update(() => freshState("LIC-OS", 600, 1));
    const old = await Bun.file(`${stateDir}/${STATE_FILE}`).bytes();
    await store.update((loaded) => (loaded.kind === "ok" ? { ...loaded.state, grace_remaining_seconds: 0 } : null));
    expect(new TextDecoder().decode((await keystore.get(Entry.stateGeneration)) as Uint8Array)).toBe("2");
    await Bun.write(`${stateDir}/${STATE_FILE}`, old);
    expect(reasonOf(await store.read())).toMatch(/was rolled back: its generation 1 is below the keystore's 2/);
  });

  test("the machine key is made once and then loaded", async () => {
    const { keystore } = await osKeystore();
    const made = (await loadOrCreateMachineKey(keystore)).secret;
    const loaded = (await loadOrCreateMachineKey(keystore)).secret;
    expect(publicPointOf(loaded)).toEqual(publicPointOf(made));
  });

  describe("security: values sentinel did not write", () => {
    test("an entry edited in the credential store is unreadable, not absent", async () => {
      const { stateDir, keystore } = await osKeystore();
      await Bun.secrets.set({ service: KEYSTORE_SERVICE, name: osEntryName(Entry.stateKey, stateDir), value: "not base64!" });
      const attempt = keystore.get(Entry.stateKey as EntryName);
      await expect(attempt).rejects.toBeInstanceOf(UnreadableEntryError);
    });
  });
});
