import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Entry } from "../../src/keystore/keystore.ts";
import { freshState, type Loaded, type State, tamperedState } from "../../src/state/state-record.ts";
import { STATE_FILE } from "../../src/state/store.ts";
import { encodeUtf8 } from "../../src/text/utf8.ts";
import { fileKeystore, fileStore, listDir, MACHINE_A, MACHINE_B, removeTempRoots, tempRoot } from "./helpers.ts";

afterAll(removeTempRoots);

const NOW = 1_750_000_000;
const okState = (loaded: Loaded): State => {
  if (loaded.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(loaded)}`);
  return loaded.state;
};
const reasonOf = (loaded: Loaded) => (loaded.kind === "tampered" ? loaded.reason : `not tampered: ${loaded.kind}`);

/** A state directory holding one saved state. */
async function savedDir(machineId = MACHINE_A) {
  const { stateDir } = tempRoot();
  const store = await fileStore(stateDir, machineId);
  await store.update(() => freshState("LIC-1", 86_400, NOW));
  return { stateDir, store };
}

describe("state store", () => {
  test("first load is none and creates nothing; the first save creates 0700 dir, 0600 files", async () => {
    const { stateDir } = tempRoot();
    const store = await fileStore(stateDir);
    expect(await store.read()).toEqual({ kind: "none" });
    expect(() => statSync(stateDir)).toThrow();

    const saved = await store.update((loaded) => (loaded.kind === "none" ? freshState("LIC-1", 86_400, NOW) : null));
    expect(saved?.generation).toBe(1);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(listDir(stateDir)).toEqual(["keystore.enc", "state.enc"]);
    for (const name of listDir(stateDir)) expect(statSync(join(stateDir, name)).mode & 0o777).toBe(0o600);
    expect(okState(await store.read())).toEqual(saved as State);
  });

  test("every save increments generation and mirrors it in the keystore; callers cannot set it", async () => {
    const { stateDir, store } = await savedDir();
    for (let i = 0; i < 3; i++) await store.update((loaded) => ({ ...okState(loaded), generation: 999, last_seen: NOW + i }));
    const state = okState(await store.read());
    expect(state.generation).toBe(4);
    expect(state.last_seen).toBe(NOW + 2);
    const mirrored = await (await fileKeystore(stateDir)).get(Entry.stateGeneration);
    expect(new TextDecoder().decode(mirrored as Uint8Array)).toBe("4");
  });

  test("the file is nonce ‖ AES-GCM of the JSON state under the keystore's 32-byte key", async () => {
    const { stateDir } = await savedDir();
    const raw = (await (await fileKeystore(stateDir)).get(Entry.stateKey)) as Uint8Array;
    expect(raw.length).toBe(32);
    const sealed = readFileSync(join(stateDir, STATE_FILE));
    const key = await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, "AES-GCM", false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.subarray(0, 12) }, key, sealed.subarray(12));
    expect(Object.keys(JSON.parse(new TextDecoder().decode(plain)))).toEqual([
      "machine_id",
      "activated",
      "license_key",
      "last_heartbeat_success",
      "grace_remaining_seconds",
      "grace_exhausted",
      "generation",
      "last_seen",
    ]);
  });

  test("mutate handing back the loaded state itself writes nothing; an equal copy is saved", async () => {
    const { stateDir, store } = await savedDir();
    const file = join(stateDir, STATE_FILE);
    const before = { bytes: readFileSync(file), keystore: readFileSync(join(stateDir, "keystore.enc")) };
    expect((await store.update(okState))?.generation).toBe(1);
    expect(readFileSync(file)).toEqual(before.bytes);
    expect(readFileSync(join(stateDir, "keystore.enc"))).toEqual(before.keystore);
    expect((await store.update((loaded) => ({ ...okState(loaded) })))?.generation).toBe(2);
    expect(readFileSync(file)).not.toEqual(before.bytes);
  });

  test("mutate returning null deletes the file; delete() too; the generation keeps climbing", async () => {
    const { stateDir, store } = await savedDir();
    expect(await store.update(() => null)).toBeNull();
    expect(await store.read()).toEqual({ kind: "none" });
    expect((await store.update(() => freshState("LIC-2", 60, NOW)))?.generation).toBe(2);
    await store.delete();
    expect(listDir(stateDir)).toEqual(["keystore.enc"]);
    expect((await store.update(() => freshState("LIC-2", 60, NOW)))?.generation).toBe(3);
  });

  test("an invalid state is refused before anything is written", async () => {
    const { store } = await savedDir();
    const before = await store.read();
    await expect(store.update((loaded) => ({ ...okState(loaded), grace_remaining_seconds: -5 }))).rejects.toThrow(
      "grace_remaining_seconds is not a non-negative integer",
    );
    expect(await store.read()).toEqual(before);
  });

  test("a tampered state can be replaced by the policy's fresh one", async () => {
    const { stateDir, store } = await savedDir();
    writeFileSync(join(stateDir, STATE_FILE), "garbage that is long enough to be sealed");
    const saved = await store.update((loaded) => (loaded.kind === "tampered" ? tamperedState("LIC-1", NOW) : null));
    expect(saved).toMatchObject({ grace_remaining_seconds: 0, grace_exhausted: true, activated: false, generation: 2 });
    expect(okState(await store.read())).toEqual(saved as State);
  });
});

describe("security: tampering is reported with what happened", () => {
  test("a flipped byte fails authentication", async () => {
    const { stateDir, store } = await savedDir();
    const bytes = readFileSync(join(stateDir, STATE_FILE));
    bytes[20] = (bytes[20] as number) ^ 0x01;
    writeFileSync(join(stateDir, STATE_FILE), bytes);
    expect(reasonOf(await store.read())).toMatch(/state\.enc failed authentication/);
  });

  test("a flipped nonce byte fails authentication", async () => {
    const { stateDir, store } = await savedDir();
    const bytes = readFileSync(join(stateDir, STATE_FILE));
    bytes[0] = (bytes[0] as number) ^ 0x80;
    writeFileSync(join(stateDir, STATE_FILE), bytes);
    expect(reasonOf(await store.read())).toMatch(/failed authentication/);
  });

  test("a file truncated below nonce + tag says truncated; a shorter body fails authentication", async () => {
    const { stateDir, store } = await savedDir();
    const bytes = readFileSync(join(stateDir, STATE_FILE));
    writeFileSync(join(stateDir, STATE_FILE), bytes.subarray(0, 20));
    expect(reasonOf(await store.read())).toMatch(/state\.enc is truncated \(20 bytes\)/);
    writeFileSync(join(stateDir, STATE_FILE), bytes.subarray(0, bytes.length - 1));
    expect(reasonOf(await store.read())).toMatch(/failed authentication/);
    writeFileSync(join(stateDir, STATE_FILE), "");
    expect(reasonOf(await store.read())).toMatch(/truncated \(0 bytes\)/);
  });

  test("the state directory copied to another machine: its keystore does not open", async () => {
    const { stateDir } = await savedDir(MACHINE_A);
    const elsewhere = await fileStore(stateDir, MACHINE_B);
    expect(reasonOf(await elsewhere.read())).toMatch(
      /^keystore entry state-encryption-key cannot be decrypted: .*keystore\.enc was written on another machine or modified$/,
    );
    // The policy's replacement is saved over it with a new key, and reads back on this machine.
    await elsewhere.update(() => tamperedState("LIC-1", NOW));
    expect(okState(await elsewhere.read()).grace_exhausted).toBe(true);
  });

  test("a state file from another state key (another installation) fails authentication", async () => {
    const first = await savedDir();
    const second = await savedDir();
    copyFileSync(join(first.stateDir, STATE_FILE), join(second.stateDir, STATE_FILE));
    expect(reasonOf(await second.store.read())).toMatch(/failed authentication/);
  });

  test("an older copy restored is rolled back", async () => {
    const { stateDir, store } = await savedDir();
    const old = readFileSync(join(stateDir, STATE_FILE));
    await store.update((loaded) => ({ ...okState(loaded), grace_remaining_seconds: 100 }));
    await store.update((loaded) => ({ ...okState(loaded), grace_remaining_seconds: 50 }));
    writeFileSync(join(stateDir, STATE_FILE), old);
    expect(reasonOf(await store.read())).toBe(`${join(stateDir, STATE_FILE)} was rolled back: its generation 1 is below the keystore's 3`);
  });

  test("a generation removed from, or forged in, the keystore makes the state tampered", async () => {
    const { stateDir, store } = await savedDir();
    const keystore = await fileKeystore(stateDir);
    await keystore.delete(Entry.stateGeneration);
    expect(reasonOf(await store.read())).toBe("the state generation is missing from the keystore");
    await keystore.set(Entry.stateGeneration, encodeUtf8("1e3"));
    expect(reasonOf(await store.read())).toBe("the state generation in the keystore is malformed");
  });

  test("a state key missing from the keystore (keystore.enc deleted)", async () => {
    const { stateDir, store } = await savedDir();
    rmSync(join(stateDir, "keystore.enc"));
    expect(reasonOf(await store.read())).toMatch(/missing from the keystore/);
  });

  test("the tampered reason never contains key material", async () => {
    const { stateDir } = await savedDir();
    const raw = (await (await fileKeystore(stateDir)).get(Entry.stateKey)) as Uint8Array;
    writeFileSync(join(stateDir, STATE_FILE), new Uint8Array(64));
    const reason = reasonOf(await (await fileStore(stateDir)).read());
    expect(reason).not.toContain(Buffer.from(raw).toString("hex"));
    expect(reason).not.toContain(Buffer.from(raw).toString("base64"));
  });
});
