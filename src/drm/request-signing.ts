// Request signing (spec 4.1): the five-line signing string and the X-Sentinel-*
// headers. Pure: clock, nonce and key are passed in; no network.
import { encodeBase64url } from "../crypto/base64url.ts";
import { signEs256 } from "../crypto/es256.ts";
import { sha256Hex } from "../crypto/sha256.ts";

export interface SigningInput {
  method: string;
  /** The path actually requested, prefix included, trailing slash, no query. */
  path: string;
  /** Unix seconds. */
  timestamp: number;
  nonce: string;
  /** The exact body bytes sent. */
  body: Uint8Array;
}

export function signingString({ method, path, timestamp, nonce, body }: SigningInput): string {
  return [method, path, String(timestamp), nonce, sha256Hex(body)].join("\n");
}

export function userAgent(version: string, platform: string): string {
  return `sentinel/${version} (${platform})`;
}

export interface SignedHeadersInput extends SigningInput {
  machineId: string;
  machineSecret: Uint8Array;
  userAgent: string;
}

export async function signedHeaders(input: SignedHeadersInput): Promise<Record<string, string>> {
  const signature = await signEs256(signingString(input), input.machineSecret);
  return {
    "Content-Type": "application/json",
    "User-Agent": input.userAgent,
    "X-Sentinel-Machine-Id": input.machineId,
    "X-Sentinel-Timestamp": String(input.timestamp),
    "X-Sentinel-Nonce": input.nonce,
    "X-Sentinel-Signature": encodeBase64url(signature),
  };
}
