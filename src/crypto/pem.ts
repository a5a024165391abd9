// PEM armour and the two key formats of spec 2: P-256 SubjectPublicKeyInfo and
// P-256 PKCS#8. Anything else is refused with a message naming what it is.
import { readChildren, readOnly, Tag, writeTlv } from "./der.ts";
import { publicPointOf } from "./es256.ts";
import { isP256Point, isP256Scalar } from "./p256-checks.ts";

export class KeyFormatError extends Error {}

const OID = {
  ecPublicKey: "2a8648ce3d0201",
  prime256v1: "2a8648ce3d030107",
  secp384r1: "2b81040022",
  secp521r1: "2b81040023",
  secp256k1: "2b8104000a",
  rsaEncryption: "2a864886f70d010101",
  ed25519: "2b6570",
  ed448: "2b6571",
  x25519: "2b656e",
} as const;

const OID_NAMES: Record<string, string> = {
  [OID.secp384r1]: "an EC P-384 key",
  [OID.secp521r1]: "an EC P-521 key",
  [OID.secp256k1]: "an EC secp256k1 key",
  [OID.rsaEncryption]: "an RSA key",
  [OID.ed25519]: "an Ed25519 key",
  [OID.ed448]: "an Ed448 key",
  [OID.x25519]: "an X25519 key",
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

/** The body of the single PEM block in `text`, checking its label. */
export function decodePem(text: string, label: string): Uint8Array {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([^-]*?)\r?\n?-----END \1-----/.exec(text);
  if (!match) throw new KeyFormatError(`not a PEM ${label}`);
  if (match[1] !== label) {
    const found = match[1] === "CERTIFICATE" ? "a certificate" : `a PEM ${match[1]}`;
    throw new KeyFormatError(`expected a PEM ${label}, found ${found}`);
  }
  const body = (match[2] as string).replace(/\r?\n/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
    throw new KeyFormatError(`PEM ${label} body is not valid base64`);
  }
  return new Uint8Array(Buffer.from(body, "base64"));
}

export function encodePem(der: Uint8Array, label: string): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Checks an AlgorithmIdentifier is id-ecPublicKey with prime256v1, or names what it is. */
function expectP256Algorithm(algorithm: Uint8Array | undefined): void {
  const parts = algorithm ? readChildren(algorithm) : null;
  const oid = parts?.[0]?.tag === Tag.oid ? hex(parts[0].value) : null;
  if (oid === null) throw new KeyFormatError("malformed key algorithm");
  if (oid !== OID.ecPublicKey)
    throw new KeyFormatError(`expected an EC P-256 key, found ${OID_NAMES[oid] ?? `a key with algorithm OID ${oid}`}`);
  const curve = parts?.[1]?.tag === Tag.oid ? hex(parts[1].value) : null;
  if (curve !== OID.prime256v1) {
    throw new KeyFormatError(`expected an EC P-256 key, found ${(curve && OID_NAMES[curve]) ?? "an EC key on another curve"}`);
  }
}

/** Parses a P-256 SPKI PEM into the uncompressed public point (65 bytes). */
export function parsePublicKeyPem(text: string): Uint8Array {
  const der = decodePem(text, "PUBLIC KEY");
  const outer = readOnly(der, Tag.sequence);
  const parts = outer ? readChildren(outer.value) : null;
  if (parts?.length !== 2 || parts[0]?.tag !== Tag.sequence || parts[1]?.tag !== Tag.bitString) {
    throw new KeyFormatError("malformed SubjectPublicKeyInfo");
  }
  expectP256Algorithm(parts[0].value);
  const bits = parts[1].value;
  if (bits[0] !== 0) throw new KeyFormatError("malformed public key bit string");
  const point = bits.subarray(1);
  if (!isP256Point(point)) throw new KeyFormatError("public key is not a valid P-256 point");
  return point;
}

const ALGORITHM = writeTlv(Tag.sequence, writeTlv(Tag.oid, fromHex(OID.ecPublicKey)), writeTlv(Tag.oid, fromHex(OID.prime256v1)));

export function writePublicKeyPem(point: Uint8Array): string {
  const spki = writeTlv(Tag.sequence, ALGORITHM, writeTlv(Tag.bitString, new Uint8Array([0]), point));
  return encodePem(spki, "PUBLIC KEY");
}

/** Parses a P-256 PKCS#8 PEM into the 32-byte secret scalar. */
export function parsePrivateKeyPem(text: string): Uint8Array {
  const der = decodePem(text, "PRIVATE KEY");
  const outer = readOnly(der, Tag.sequence);
  const parts = outer ? readChildren(outer.value) : null;
  if (!parts || parts.length < 3 || parts[0]?.tag !== Tag.integer || parts[1]?.tag !== Tag.sequence || parts[2]?.tag !== Tag.octetString) {
    throw new KeyFormatError("malformed PKCS#8 private key");
  }
  expectP256Algorithm(parts[1].value);
  const ecKey = readOnly(parts[2].value, Tag.sequence);
  const fields = ecKey ? readChildren(ecKey.value) : null;
  const secret = fields?.[1];
  if (!fields || fields[0]?.tag !== Tag.integer || secret?.tag !== Tag.octetString || secret.value.length !== 32) {
    throw new KeyFormatError("malformed EC private key");
  }
  if (!isP256Scalar(secret.value)) throw new KeyFormatError("EC private key is out of range");
  return new Uint8Array(secret.value);
}

/** PKCS#8 with the public key included, the layout Python's `cryptography` writes. */
export async function writePrivateKeyPem(secret: Uint8Array): Promise<string> {
  const point = await publicPointOf(secret);
  const ecKey = writeTlv(
    Tag.sequence,
    writeTlv(Tag.integer, new Uint8Array([1])),
    writeTlv(Tag.octetString, secret),
    writeTlv(Tag.context1, writeTlv(Tag.bitString, new Uint8Array([0]), point)),
  );
  const der = writeTlv(Tag.sequence, writeTlv(Tag.integer, new Uint8Array([0])), ALGORITHM, writeTlv(Tag.octetString, ecKey));
  const pem = encodePem(der, "PRIVATE KEY");
  der.fill(0);
  ecKey.fill(0);
  return pem;
}
