import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { publicPointOf } from "../../src/crypto/es256.ts";
import { parsePrivateKeyPem } from "../../src/crypto/pem.ts";
import { Entry } from "../../src/keystore/keystore.ts";
import { loadOrCreateMachineKey } from "../../src/keystore/machine-key.ts";
import { encodeUtf8 } from "../../src/text/utf8.ts";
import { fileKeystore, lines, MACHINE_B, removeTempRoots, tempRoot } from "../state/helpers.ts";

afterAll(removeTempRoots);

const FIXTURE = join(import.meta.dir, "fixtures", "machine-key.ts");

describe("machine key", () => {
  test("made once, stored as PKCS#8 PEM, then loaded", async () => {
    const { stateDir } = tempRoot();
    const keystore = await fileKeystore(stateDir);
    const made = (await loadOrCreateMachineKey(keystore)).secret;
    const pem = new TextDecoder().decode((await keystore.get(Entry.machineKey)) as Uint8Array);
    expect(pem).toStartWith("-----BEGIN PRIVATE KEY-----\n");
    expect(parsePrivateKeyPem(pem)).toEqual(made);
    expect((await loadOrCreateMachineKey(keystore)).secret).toEqual(made);
  });

  test("zero() overwrites the key bytes", async () => {
    const { stateDir } = tempRoot();
    const key = await loadOrCreateMachineKey(await fileKeystore(stateDir));
    key.zero();
    expect(key.secret).toEqual(new Uint8Array(32));
  });

  test("sentinels starting at once on a fresh machine agree on one key", async () => {
    const { root, stateDir } = tempRoot();
    const goFile = join(root, "go");
    const children = Array.from({ length: 4 }, () => Bun.spawn([process.execPath, FIXTURE, stateDir, goFile], { stdout: "pipe" }));
    const outputs = children.map((child) => lines(child.stdout));
    for (const output of outputs) expect((await output.next()).value).toBe("ready");
    writeFileSync(goFile, "");
    const points = await Promise.all(outputs.map(async (output) => (await output.next()).value));
    expect(new Set(points).size).toBe(1);
    const stored = (await loadOrCreateMachineKey(await fileKeystore(stateDir))).secret;
    expect(Buffer.from(await publicPointOf(stored)).toString("hex")).toBe(points[0] as string);
  });
});

describe("security: a stored key that cannot be used is replaced, not trusted", () => {
  test("unreadable (keystore.enc from another machine)", async () => {
    const { stateDir } = tempRoot();
    const original = (await loadOrCreateMachineKey(await fileKeystore(stateDir))).secret;
    const elsewhere = await fileKeystore(stateDir, MACHINE_B);
    const replaced = (await loadOrCreateMachineKey(elsewhere)).secret;
    expect(replaced).not.toEqual(original);
    expect((await loadOrCreateMachineKey(elsewhere)).secret).toEqual(replaced);
  });

  for (const [name, value] of [
    ["not PEM", encodeUtf8("hello")],
    ["a public key", encodeUtf8("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")],
    ["not UTF-8", new Uint8Array([0xff, 0xfe, 0x00])],
  ] as const) {
    test(name, async () => {
      const { stateDir } = tempRoot();
      const keystore = await fileKeystore(stateDir);
      await keystore.set(Entry.machineKey, value);
      const { secret } = await loadOrCreateMachineKey(keystore);
      expect(secret.length).toBe(32);
      expect(parsePrivateKeyPem(new TextDecoder().decode((await keystore.get(Entry.machineKey)) as Uint8Array))).toEqual(secret);
    });
  }
});
