import { describe, expect, test } from "bun:test";
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { verifyEs256 } from "../../src/crypto/es256.ts";
import { parsePrivateKeyPem, parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { signedHeaders, signingString, userAgent } from "../../src/drm/request-signing.ts";
import { VECTORS } from "../support/paths.ts";

interface SigningCase {
  name: string;
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  machine_id: string;
  body: string;
  body_sha256: string;
  signing_string: string;
  signature: string;
  headers: Record<string, string>;
}

const vectors = (await Bun.file(`${VECTORS}/signing.json`).json()) as {
  machine_private_key_pem: string;
  machine_public_key_pem: string;
  cases: SigningCase[];
};
const machineSecret = parsePrivateKeyPem(vectors.machine_private_key_pem);
const machinePoint = parsePublicKeyPem(vectors.machine_public_key_pem);

const inputOf = (c: SigningCase) => ({
  method: c.method,
  path: c.path,
  timestamp: Number(c.timestamp),
  nonce: c.nonce,
  body: new TextEncoder().encode(c.body),
});

describe("signing vectors (shared/vectors/signing.json)", () => {
  expect(vectors.cases.length).toBeGreaterThan(0);
  for (const c of vectors.cases) {
    describe(c.name, () => {
      test("body hash and signing string equal the Python implementation's", () => {
        expect(sha256Hex(new TextEncoder().encode(c.body))).toBe(c.body_sha256);
        expect(signingString(inputOf(c))).toBe(c.signing_string);
      });

      test("their signature verifies with their public key", async () => {
        const signature = decodeBase64url(c.signature);
        expect(signature).not.toBeNull();
        expect(await verifyEs256(signature as Uint8Array, c.signing_string, machinePoint)).toBe(true);
      });

      test("our headers match theirs, and our signature over their string verifies", async () => {
        const headers = await signedHeaders({
          ...inputOf(c),
          machineId: c.machine_id,
          machineSecret,
          userAgent: "sentinel/test (LINUX_AMD64)",
        });
        for (const [name, value] of Object.entries(c.headers)) if (name !== "X-Sentinel-Signature") expect(headers[name]).toBe(value);
        const ours = decodeBase64url(headers["X-Sentinel-Signature"] as string);
        expect(await verifyEs256(ours as Uint8Array, c.signing_string, machinePoint)).toBe(true);
        expect(headers["Content-Type"]).toBe("application/json");
      });
    });
  }
});

describe("signing string", () => {
  test("five lines, no trailing newline, hash of the exact bytes", () => {
    const text = signingString({ method: "POST", path: "/p/", timestamp: 1, nonce: "n", body: new Uint8Array() });
    expect(text.split("\n")).toEqual(["POST", "/p/", "1", "n", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]);
  });

  test("user agent names version and platform", () => {
    expect(userAgent("1.2.3", "LINUX_ARM64")).toBe("sentinel/1.2.3 (LINUX_ARM64)");
  });
});
