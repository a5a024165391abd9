// The reference server's check of every DRM request (spec 4.1): headers, clock
// window, body, signature by the machine key, nonce never seen before. Test-side only.
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { verifyEs256 } from "../../src/crypto/es256.ts";
import { parseJsonObject } from "../../src/crypto/signed-envelope.ts";
import { signingString } from "../../src/drm/request-signing.ts";

export const TIMESTAMP_WINDOW_SECONDS = 300;
const MAX_REQUEST_BYTES = 64 * 1024;
const REQUIRED_HEADERS = ["X-Sentinel-Machine-Id", "X-Sentinel-Timestamp", "X-Sentinel-Nonce", "X-Sentinel-Signature"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Refusal = { ok: false; status: number; error: string };
export type Authenticated = { ok: true; body: Record<string, unknown>; machineId: string; licenseKey: string; nonce: string };

export interface AuthContext {
  /** Unix seconds. */
  now: number;
  /** The public point the request must be signed with, or the refusal when there is none. */
  keyFor(body: Record<string, unknown>, licenseKey: string, machineId: string): Uint8Array | Refusal;
  /** False when the nonce was seen before. */
  rememberNonce(nonce: string): boolean;
}

const refuse = (status: number, error: string): Refusal => ({ ok: false, status, error });

export async function authenticateRequest(request: Request, path: string, context: AuthContext): Promise<Authenticated | Refusal> {
  for (const name of REQUIRED_HEADERS) if (!request.headers.get(name)) return refuse(401, `Missing ${name} header.`);
  const machineId = request.headers.get("X-Sentinel-Machine-Id") as string;
  const timestampText = request.headers.get("X-Sentinel-Timestamp") as string;
  const nonce = request.headers.get("X-Sentinel-Nonce") as string;
  const timestamp = /^\d{1,12}$/.test(timestampText) ? Number(timestampText) : Number.NaN;
  if (!(Math.abs(context.now - timestamp) <= TIMESTAMP_WINDOW_SECONDS))
    return refuse(401, "Request timestamp is outside the allowed window.");
  if (!UUID.test(nonce)) return refuse(400, "Malformed request nonce.");

  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > MAX_REQUEST_BYTES) return refuse(413, "Request body too large.");
  const body = parseJsonObject(new TextDecoder().decode(bytes));
  if (!body) return refuse(400, "Malformed JSON body.");
  if (body.machine_id !== machineId) return refuse(400, "machine_id does not match X-Sentinel-Machine-Id.");
  if (typeof body.license_key !== "string" || !body.license_key) return refuse(400, "license_key is required.");

  const key = context.keyFor(body, body.license_key, machineId);
  if (!(key instanceof Uint8Array)) return key;
  const signature = decodeBase64url(request.headers.get("X-Sentinel-Signature") as string);
  const signed = signingString({ method: request.method, path, timestamp, nonce, body: bytes });
  if (!signature || !(await verifyEs256(signature, signed, key))) return refuse(401, "Invalid request signature.");
  // Only a correctly signed request spends its nonce, so junk cannot fill the table.
  if (!context.rememberNonce(nonce)) return refuse(401, "Request nonce has already been used.");
  return { ok: true, body, machineId, licenseKey: body.license_key, nonce };
}
