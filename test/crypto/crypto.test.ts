import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { p256 } from "@noble/curves/nist.js";
import { decodeBase64url, encodeBase64url } from "../../src/crypto/base64url.ts";
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
  test("reads the vectors' org key and round-trips PEM", () => {
    const point = parsePublicKeyPem(vector("org_public.pem"));
    expect(point.length).toBe(65);
    expect(parsePublicKeyPem(writePublicKeyPem(point))).toEqual(point);
    const secret = parsePrivateKeyPem(vector("org_private.pem"));
    expect(parsePrivateKeyPem(writePrivateKeyPem(secret))).toEqual(secret);
  });
  test("writes PKCS#8 byte for byte as Python's cryptography does", () => {
    const signing = JSON.parse(vector("signing.json"));
    const secret = parsePrivateKeyPem(signing.machine_private_key_pem);
    expect(writePrivateKeyPem(secret)).toBe(signing.machine_private_key_pem);
    expect(writePublicKeyPem(generateKeyPair().point)).toStartWith("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
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

describe("ES256", () => {
  const { secret, point } = generateKeyPair();
  test("verifies its own signatures and refuses other messages and keys", () => {
    const sig = signEs256("message", secret);
    expect(verifyEs256(sig, "message", point)).toBe(true);
    expect(verifyEs256(sig, "messagf", point)).toBe(false);
    expect(verifyEs256(sig, "message", generateKeyPair().point)).toBe(false);
  });
  test("the native signature and public point agree with @noble/curves", () => {
    expect(publicPointOf(secret)).toEqual(p256.getPublicKey(secret, false));
    const sig = signEs256("message", secret);
    expect(p256.verify(sig, new TextEncoder().encode("message"), point, { format: "der", lowS: false })).toBe(true);
    expect(() => signEs256("message", secret.subarray(1))).toThrow("a P-256 secret is 32 bytes");
  });
  test("security: trailing bytes after the DER SEQUENCE are refused", () => {
    const sig = signEs256("message", secret);
    expect(verifyEs256(new Uint8Array([...sig, 0]), "message", point)).toBe(false);
    expect(verifyEs256(sig.subarray(0, sig.length - 1), "message", point)).toBe(false);
    expect(verifyEs256(new Uint8Array(0), "message", point)).toBe(false);
  });
  test("accepts a high-S signature", () => {
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const sig = signEs256("m", secret);
    // Rewrite s as n - s and re-encode; ECDSA accepts both.
    const rLen = sig[3] as number;
    const r = sig.subarray(4, 4 + rLen);
    const s = BigInt(`0x${Buffer.from(sig.subarray(6 + rLen)).toString("hex")}`);
    const highS = Buffer.from((n - s).toString(16).padStart(64, "0"), "hex");
    const sBytes = (highS[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), highS]) : highS;
    const body = Buffer.concat([Buffer.from([2, r.length]), r, Buffer.from([2, sBytes.length]), sBytes]);
    expect(verifyEs256(new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body])), "m", point)).toBe(true);
  });
});
