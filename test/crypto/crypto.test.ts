import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { p256 } from "@noble/curves/nist.js";
import { decodeBase64url, encodeBase64url } from "../../src/crypto/base64url.ts";
import { concatBytes, Tag, writeTlv } from "../../src/crypto/der.ts";
import { rawFromDer } from "../../src/crypto/ecdsa-der.ts";
import { publicPointOf, signEs256, verifyEs256 } from "../../src/crypto/es256.ts";
import {
  encodePem,
  KeyFormatError,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  writePrivateKeyPem,
  writePublicKeyPem,
} from "../../src/crypto/pem.ts";
import { generateKeyPair } from "../support/keys.ts";
import { VECTORS } from "../support/paths.ts";

const vector = (name: string) => readFileSync(join(VECTORS, name), "utf8");

async function webCryptoPem(algorithm: { name: string } & Record<string, unknown>, part: "spki" | "pkcs8"): Promise<string> {
  const pair = (await crypto.subtle.generateKey(algorithm as never, true, ["sign", "verify"])) as CryptoKeyPair;
  const der = new Uint8Array(await crypto.subtle.exportKey(part, part === "spki" ? pair.publicKey : pair.privateKey));
  return encodePem(der, part === "spki" ? "PUBLIC KEY" : "PRIVATE KEY");
}

describe("base64url", () => {
  test("round-trips and writes no padding", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = encodeBase64url(bytes);
      expect(text).not.toContain("=");
      expect(decodeBase64url(text)).toEqual(bytes);
    }
  });
  test.each([
    ["QQ", [65]],
    ["QQ==", [65]],
    ["QUI", [65, 66]],
    ["QUI=", [65, 66]],
    ["-_8", [251, 255]],
  ])("reads %p", (text, bytes) => expect(decodeBase64url(text)).toEqual(new Uint8Array(bytes)));
  test.each(["Q", "QQ=", "QQ===", "QUJD+", "QU/D", "QU JD", "QUI\n", "QR", "QUJ"])("refuses %p", (text) => {
    expect(decodeBase64url(text)).toBeNull();
  });
});

describe("keys", () => {
  test("reads the vectors' org key and round-trips PEM", async () => {
    const point = parsePublicKeyPem(vector("org_public.pem"));
    expect(point.length).toBe(65);
    expect(parsePublicKeyPem(writePublicKeyPem(point))).toEqual(point);
    const secret = parsePrivateKeyPem(vector("org_private.pem"));
    expect(parsePrivateKeyPem(await writePrivateKeyPem(secret))).toEqual(secret);
  });
  test("writes PKCS#8 byte for byte as Python's cryptography does", async () => {
    const signing = JSON.parse(vector("signing.json"));
    const secret = parsePrivateKeyPem(signing.machine_private_key_pem);
    expect(await writePrivateKeyPem(secret)).toBe(signing.machine_private_key_pem);
    expect(writePublicKeyPem((await generateKeyPair()).point)).toStartWith(
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
    );
  });
});

describe("security: key confusion", () => {
  test.each([
    [
      "RSA",
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      "found an RSA key",
    ],
    ["P-384", { name: "ECDSA", namedCurve: "P-384" }, "found an EC P-384 key"],
    ["Ed25519", { name: "Ed25519" }, "found an Ed25519 key"],
  ] as const)("a %s public key is refused by name", async (_, algorithm, message) => {
    const pem = await webCryptoPem(algorithm, "spki");
    expect(() => parsePublicKeyPem(pem)).toThrow(message);
  });
  test("a P-384 private key is refused", async () => {
    expect(() => parsePrivateKeyPem("")).toThrow(KeyFormatError);
    const pem = await webCryptoPem({ name: "ECDSA", namedCurve: "P-384" }, "pkcs8");
    expect(() => parsePrivateKeyPem(pem)).toThrow("found an EC P-384 key");
  });
  test.each([
    ["a certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "found a certificate"],
    ["a private key where a public one belongs", vector("org_private.pem"), "found a PEM PRIVATE KEY"],
    ["garbage", "hello", "not a PEM PUBLIC KEY"],
    ["bad base64", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", "not valid base64"],
    ["truncated DER", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n", "malformed"],
  ])("%s is refused", (_, pem, message) => {
    expect(() => parsePublicKeyPem(pem)).toThrow(message);
  });
  test("a point that is not on the curve is refused", () => {
    const pem = writePublicKeyPem(new Uint8Array([4, ...new Uint8Array(64).fill(7)]));
    expect(() => parsePublicKeyPem(pem)).toThrow("not a valid P-256 point");
  });
});

const { secret, point } = await generateKeyPair();

describe("ES256", () => {
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  /** The signature with its DER INTEGERs replaced (each given as its unsigned value). */
  const reencoded = (r: bigint, s: bigint) => {
    const integer = (x: bigint) => {
      const bytes = Buffer.from(x.toString(16).padStart(64, "0"), "hex");
      return writeTlv(Tag.integer, (bytes[0] as number) & 0x80 ? concatBytes(new Uint8Array([0]), bytes) : bytes);
    };
    return writeTlv(Tag.sequence, integer(r), integer(s));
  };
  const scalarsOf = (der: Uint8Array) => {
    const raw = rawFromDer(der) as Uint8Array;
    const big = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
    return { r: big(raw.subarray(0, 32)), s: big(raw.subarray(32)) };
  };

  test("verifies its own signatures and refuses other messages and keys", async () => {
    const sig = await signEs256("message", secret);
    expect(await verifyEs256(sig, "message", point)).toBe(true);
    expect(await verifyEs256(sig, "messagf", point)).toBe(false);
    expect(await verifyEs256(sig, "message", (await generateKeyPair()).point)).toBe(false);
  });
  test("the native signature and public point agree with @noble/curves", async () => {
    expect(await publicPointOf(secret)).toEqual(p256.getPublicKey(secret, false));
    const sig = await signEs256("message", secret);
    expect(p256.verify(sig, new TextEncoder().encode("message"), point, { format: "der", lowS: false })).toBe(true);
    const theirs = p256.sign(new TextEncoder().encode("message"), secret, { format: "der" });
    expect(await verifyEs256(theirs, "message", point)).toBe(true);
    await expect(signEs256("message", secret.subarray(1))).rejects.toThrow("a P-256 secret is 32 bytes");
  });
  test("security: trailing bytes after the DER SEQUENCE are refused", async () => {
    const sig = await signEs256("message", secret);
    expect(await verifyEs256(new Uint8Array([...sig, 0]), "message", point)).toBe(false);
    expect(await verifyEs256(sig.subarray(0, sig.length - 1), "message", point)).toBe(false);
    expect(await verifyEs256(new Uint8Array(0), "message", point)).toBe(false);
  });
  test("accepts a high-S signature", async () => {
    const { r, s } = scalarsOf(await signEs256("m", secret));
    // ECDSA accepts both s and n − s.
    expect(await verifyEs256(reencoded(r, n - s), "m", point)).toBe(true);
  });
  test("security: r or s of 0 or n, well-formed DER, is refused without throwing", async () => {
    const { r, s } = scalarsOf(await signEs256("m", secret));
    for (const [badR, badS] of [
      [0n, s],
      [n, s],
      [r, 0n],
      [r, n],
    ] as const) {
      expect(await verifyEs256(reencoded(badR, badS), "m", point)).toBe(false);
    }
  });
  test("security: a point that is not a P-256 key is refused without throwing", async () => {
    const sig = await signEs256("m", secret);
    expect(await verifyEs256(sig, "m", new Uint8Array([4, ...new Uint8Array(64).fill(7)]))).toBe(false);
    expect(await verifyEs256(sig, "m", point.subarray(1))).toBe(false);
  });
});
