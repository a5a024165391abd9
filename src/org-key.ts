// The organisation public key baked in at build time (spec 8.1): parsed once,
// and refused with exit 78 when missing or unusable.
import { EMBEDDED_ORG_KEY_PEM } from "./build-info.ts";
import { decodePem, parsePublicKeyPem } from "./crypto/pem.ts";
import { sha256Hex } from "./crypto/sha256.ts";
import { ConfigError } from "./errors.ts";

export interface OrgKey {
  point: Uint8Array;
  /** SHA-256 of the key's DER, shown by --version so a vendor can check a build. */
  derSha256: string;
}

export function embeddedOrgKey(pem: string = EMBEDDED_ORG_KEY_PEM): OrgKey {
  try {
    return { point: parsePublicKeyPem(pem), derSha256: sha256Hex(decodePem(pem, "PUBLIC KEY")) };
  } catch {
    throw new ConfigError("this binary was built without an embedded organization public key");
  }
}
