// Runs against a real Secret Service: a private D-Bus session and a throwaway
// gnome-keyring started by the test itself. Without those packages it skips naming
// them (test/support/system.ts), and fails under SENTINEL_REQUIRE_SYSTEM_TESTS=1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { publicPointOf } from "../../src/crypto/es256.ts";
import { openKeystore } from "../../src/keystore/auto.ts";
import { Entry, type EntryName, KEYSTORE_SERVICE, type Keystore, UnreadableEntryError } from "../../src/keystore/keystore.ts";
import { loadOrCreateMachineKey } from "../../src/keystore/machine-key.ts";
import { osEntryName } from "../../src/keystore/os.ts";
import { freshState, type Loaded } from "../../src/state/state-record.ts";
import { openStateStore, STATE_FILE } from "../../src/state/store.ts";
import { removeTempRoots, tempRoot } from "../state/helpers.ts";
import { type SecretService, secretServiceMissing, startSecretService, useSessionBusInProcess } from "../support/secret-service.ts";
import { describeNeeding } from "../support/system.ts";

let service: SecretService | undefined;
afterAll(async () => {
  await service?.stop();
  removeTempRoots();
});

async function osKeystore(): Promise<{ stateDir: string; keystore: Keystore }> {
  const { stateDir } = tempRoot();
  const keystore = await openKeystore({ choice: "os", stateDir, osMachineId: () => Promise.reject(new Error("not needed")) });
  return { stateDir, keystore };
}

const reasonOf = (loaded: Loaded) => (loaded.kind === "tampered" ? loaded.reason : `not tampered: ${loaded.kind}`);

describeNeeding(secretServiceMissing, "os keystore on a real Secret Service", () => {
  beforeAll(async () => {
    service = await startSecretService();
    useSessionBusInProcess(service.address);
  });

  test("auto chooses os when the probe succeeds, and the probe leaves no entry behind", async () => {
    const { stateDir } = tempRoot();
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

  test("spec 12.2: the first state saved through the os backend records it in the plain marker file `keystore`", async () => {
    const { stateDir, keystore } = await osKeystore();
    const store = openStateStore({ stateDir, keystore });
    expect(existsSync(join(stateDir, "keystore"))).toBe(false);
    await store.update(() => freshState("LIC-OS", 600, 1));
    expect(readFileSync(join(stateDir, "keystore"), "utf8")).toBe("os\n");
    const reopened = await openKeystore({ choice: "auto", stateDir, osMachineId: () => Promise.reject(new Error("not needed")) });
    expect(reopened.backend).toBe("os");
  });

  test("the machine key is made once and then loaded", async () => {
    const { keystore } = await osKeystore();
    const made = (await loadOrCreateMachineKey(keystore)).secret;
    const loaded = (await loadOrCreateMachineKey(keystore)).secret;
    expect(await publicPointOf(loaded)).toEqual(await publicPointOf(made));
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
