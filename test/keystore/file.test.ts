import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Bytes } from "../../src/crypto/sha256.ts";
import { Entry, UnreadableEntryError } from "../../src/keystore/keystore.ts";
import { fileKeystore, listDir, MACHINE_A, MACHINE_B, removeTempRoots, tempRoot } from "../state/helpers.ts";

afterAll(removeTempRoots);

const bytes = (...values: number[]) => new Uint8Array(values);
const vaultOf = (stateDir: string) => JSON.parse(readFileSync(join(stateDir, "keystore.enc"), "utf8")) as Record<string, string>;

describe("file keystore", () => {
  test("reads nothing and creates nothing until the first write", async () => {
    const { stateDir } = tempRoot();
    const keystore = await fileKeystore(stateDir);
    expect(keystore.backend).toBe("file");
    expect(await keystore.get(Entry.stateKey)).toBeNull();
    await keystore.delete(Entry.stateKey);
    expect(existsSync(stateDir)).toBe(false);
  });

  test("values round-trip; keystore.enc is 0600 in a 0700 directory; no lock or temp remains", async () => {
    const { stateDir } = tempRoot();
    const keystore = await fileKeystore(stateDir);
    await keystore.set(Entry.stateKey, bytes(0, 1, 2, 255));
    await keystore.set(Entry.stateGeneration, bytes(0x37));
    expect(await keystore.get(Entry.stateKey)).toEqual(bytes(0, 1, 2, 255));
    expect(await (await fileKeystore(stateDir)).get(Entry.stateGeneration)).toEqual(bytes(0x37));
    await keystore.delete(Entry.stateKey);
    expect(await keystore.get(Entry.stateKey)).toBeNull();
    expect(listDir(stateDir)).toEqual(["keystore.enc"]);
    expect(statSync(join(stateDir, "keystore.enc")).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  test('format: JSON of entry → base64(nonce[12] ‖ AES-256-GCM) under SHA-256("sentinel-drm-keystore:" + machine id)', async () => {
    const { stateDir } = tempRoot();
    await (await fileKeystore(stateDir)).set(Entry.machineKey, new TextEncoder().encode("pem text"));
    const sealed = Buffer.from(vaultOf(stateDir)[Entry.machineKey] as string, "base64");
    const raw = sha256Bytes(`sentinel-drm-keystore:${MACHINE_A}`);
    const key = await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, "AES-GCM", false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.subarray(0, 12) }, key, sealed.subarray(12));
    expect(new TextDecoder().decode(plain)).toBe("pem text");
  });

  test("the machine id is trimmed, as /etc/machine-id ends with a newline", async () => {
    const { stateDir } = tempRoot();
    await (await fileKeystore(stateDir, `${MACHINE_A}\n`)).set(Entry.stateKey, bytes(9));
    expect(await (await fileKeystore(stateDir, MACHINE_A)).get(Entry.stateKey)).toEqual(bytes(9));
  });

  test("writers in parallel never drop each other's entries", async () => {
    const { stateDir } = tempRoot();
    const a = await fileKeystore(stateDir);
    const b = await fileKeystore(stateDir);
    await Promise.all([a.set(Entry.stateKey, bytes(1)), b.set(Entry.machineKey, bytes(2)), a.set(Entry.stateGeneration, bytes(3))]);
    expect(Object.keys(vaultOf(stateDir)).sort()).toEqual([Entry.machineKey, Entry.stateGeneration, Entry.stateKey].sort());
  });
});

describe("security: a keystore.enc that is not this machine's", () => {
  test("copied to another machine: every entry is unreadable, not absent", async () => {
    const { stateDir } = tempRoot();
    await (await fileKeystore(stateDir, MACHINE_A)).set(Entry.stateKey, bytes(1, 2, 3));
    const elsewhere = await fileKeystore(stateDir, MACHINE_B);
    const attempt = elsewhere.get(Entry.stateKey);
    await expect(attempt).rejects.toBeInstanceOf(UnreadableEntryError);
    await expect(attempt).rejects.toThrow("keystore entry state-encryption-key cannot be decrypted");
    // Writing there replaces that entry only; the foreign one beside it stays unreadable.
    await (await fileKeystore(stateDir, MACHINE_A)).set(Entry.machineKey, bytes(4));
    await elsewhere.set(Entry.stateKey, bytes(7));
    expect(await elsewhere.get(Entry.stateKey)).toEqual(bytes(7));
    await expect(elsewhere.get(Entry.machineKey)).rejects.toBeInstanceOf(UnreadableEntryError);
  });

  test("an edited value, bad base64, or one entry's value moved to another is refused", async () => {
    const { stateDir } = tempRoot();
    const keystore = await fileKeystore(stateDir);
    await keystore.set(Entry.stateKey, bytes(1, 2, 3));
    const vault = vaultOf(stateDir);
    const sealed = Buffer.from(vault[Entry.stateKey] as string, "base64");
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] as number) ^ 1;
    for (const value of [sealed.toString("base64"), "@@@@", `${vault[Entry.stateKey]} `, "AAAA"]) {
      writeFileSync(join(stateDir, "keystore.enc"), JSON.stringify({ [Entry.stateKey]: value }));
      await expect(keystore.get(Entry.stateKey)).rejects.toBeInstanceOf(UnreadableEntryError);
    }
  });

  test("a file that is not a JSON object of strings: entries unreadable; the next write starts over", async () => {
    const { stateDir } = tempRoot();
    const keystore = await fileKeystore(stateDir);
    await keystore.set(Entry.stateKey, bytes(1));
    for (const text of ["{not json", "[]", '{"state-encryption-key": 5}', "null", '{"__proto__": "x"']) {
      writeFileSync(join(stateDir, "keystore.enc"), text);
      await expect(keystore.get(Entry.stateKey)).rejects.toThrow("is not a keystore file");
    }
    await keystore.set(Entry.stateGeneration, bytes(0x31));
    expect(await keystore.get(Entry.stateGeneration)).toEqual(bytes(0x31));
    expect(await keystore.get(Entry.stateKey)).toBeNull();
  });
});
