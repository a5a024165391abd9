// The reference server's side of spec 15: offline request files (checked with the
// machine's key, seats taken and freed, answers signed with the organisation key)
// and the online deactivation. Test-side only; drm-server.ts routes to it.
import { parseArgs } from "node:util";
import { decodeBase64url } from "../../src/crypto/base64url.ts";
import { KeyFormatError, parsePrivateKeyPem, parsePublicKeyPem } from "../../src/crypto/pem.ts";
import { type Envelope, openEnvelope, parseEnvelope, parseJsonObject } from "../../src/crypto/signed-envelope.ts";
import { licenseRecord } from "./drm-admin.ts";
import { type Answer, answer } from "./drm-endpoints.ts";
import type { Refusal } from "./drm-request-auth.ts";
import { DrmStore } from "./drm-store.ts";
import { signedEnvelope } from "./mint.ts";

export const OFFLINE_PATHS = {
  "offline-activate": "/api/v1/drm/offline/activate/",
  "offline-deactivate": "/api/v1/drm/offline/deactivate/",
} as const;
export type OfflineEndpoint = keyof typeof OFFLINE_PATHS;

/** How long an offline activation lasts unless the server is told otherwise. */
export const DEFAULT_OFFLINE_DAYS = 30;
const MAX_REQUEST_BYTES = 64 * 1024;

const refuse = (status: number, error: string): Refusal => ({ ok: false, status, error });
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

type RequestFile = { ok: true; envelope: Envelope; fields: Record<string, string> };

/** What a request file says, unverified: its signature is checked later (the key may be inside it). */
function peekRequest(text: string): { envelope: Envelope; payload: Record<string, unknown> } | null {
  const envelope = parseEnvelope(text);
  const bytes = envelope && decodeBase64url(envelope.payload);
  const payload = bytes && parseJsonObject(new TextDecoder().decode(bytes));
  return envelope?.fields.alg === "ES256" && payload ? { envelope, payload } : null;
}

/** The request's string fields, by name, once it is known to be a version 1 file of `type`. */
function readRequestFile(text: string, type: string, names: readonly string[]): RequestFile | Refusal {
  const request = peekRequest(text);
  if (request?.payload.v !== 1 || request.payload.type !== type) return refuse(400, `Not a signed version 1 ${type} file.`);
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = request.payload[name];
    if (typeof value !== "string" || value === "") return refuse(400, `${name} is required.`);
    fields[name] = value;
  }
  return { ok: true, envelope: request.envelope, fields };
}

const signedBy = async (envelope: Envelope, pem: string) => (await openEnvelope(envelope, parsePublicKeyPem(pem))).ok;

async function offlineActivation(store: DrmStore, text: string, nowMs: number, offlineDays: number): Promise<Answer> {
  const names = ["license_key", "machine_id", "machine_public_key_pem", "platform", "software_version", "request_nonce"] as const;
  const file = readRequestFile(text, "activation_request", names);
  if (!file.ok) return file;
  const { fields } = file;
  try {
    if (!(await signedBy(file.envelope, fields.machine_public_key_pem ?? ""))) return refuse(401, "Invalid request signature.");
  } catch (error) {
    if (error instanceof KeyFormatError) return refuse(400, `Invalid machine_public_key_pem: ${error.message}.`);
    throw error;
  }
  // Seats, licence status and a machine re-registering with another key: exactly as online.
  const result = answer(store, "activate", fields, Math.floor(nowMs / 1000));
  if (!result.ok || result.payload.status !== "ACTIVE") return result;
  const offline_until = day(nowMs + offlineDays * 86_400_000);
  return { ok: true, payload: { ...result.payload, request_nonce: fields.request_nonce, offline_until } };
}

async function offlineDeactivation(store: DrmStore, text: string): Promise<Answer> {
  const file = readRequestFile(text, "deactivation_request", ["license_key", "machine_id", "request_nonce"]);
  if (!file.ok) return file;
  const { license_key = "", machine_id = "", request_nonce } = file.fields;
  const machine = store.getMachine(license_key, machine_id);
  if (!machine || machine.state === "DECOMMISSIONED") return refuse(403, "Machine is not activated for this license.");
  if (!(await signedBy(file.envelope, machine.public_key_pem))) return refuse(401, "Invalid request signature.");
  store.markDeactivated(license_key, machine_id);
  return { ok: true, payload: { status: "DEACTIVATED", machine_id, license_key, request_nonce } };
}

export type RequestType = "activation_request" | "deactivation_request";

/** The signed response file for a request file of `type`, or the refusal. */
export async function answerRequestFile(
  store: DrmStore,
  text: string,
  type: RequestType,
  orgSecret: Uint8Array,
  nowMs: number,
  offlineDays: number,
) {
  const result = await (type === "deactivation_request"
    ? offlineDeactivation(store, text)
    : offlineActivation(store, text, nowMs, offlineDays));
  if (!result.ok) return result;
  const body = await signedEnvelope({ ...result.payload, responded_at: isoSeconds(nowMs) }, orgSecret, { alg: "ES256" });
  return { ok: true as const, body: `${body}\n` };
}

/** `POST` of a request file to one of OFFLINE_PATHS: the signed response file is the body of the answer. */
export async function serveOffline(
  request: Request,
  endpoint: OfflineEndpoint,
  context: { store: DrmStore; orgSecret: Uint8Array; nowMs: number; offlineDays: number },
): Promise<Response> {
  const error = (status: number, message: string) => Response.json({ error: message }, { status });
  if (request.method !== "POST") return error(405, "Method not allowed.");
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > MAX_REQUEST_BYTES) return error(413, "Request body too large.");
  const type = endpoint === "offline-activate" ? "activation_request" : "deactivation_request";
  const result = await answerRequestFile(
    context.store,
    new TextDecoder().decode(bytes),
    type,
    context.orgSecret,
    context.nowMs,
    context.offlineDays,
  );
  if (!result.ok) return error(result.status, result.error);
  return new Response(result.body, { headers: { "content-type": "application/json" } });
}

/**
 * `npm run dev-server -- offline-answer <request> --org-key <pem> [--db file] [--offline-days N]`: the vendor's
 * side by hand. With `--db` the licence must be in that database (a running dev server's); without it the
 * request's licence is taken as a fresh ACTIVE one with the admin defaults. Prints the response file.
 */
export async function offlineAnswerCli(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "org-key": { type: "string" }, db: { type: "string" }, "offline-days": { type: "string" } },
  });
  const [requestPath] = positionals;
  if (!requestPath || !values["org-key"]) {
    process.stderr.write("usage: offline-answer <request file> --org-key <org_private.pem> [--db file] [--offline-days N]\n");
    return 64;
  }
  const text = await Bun.file(requestPath).text();
  const request = peekRequest(text)?.payload;
  const type = request?.type;
  if (type !== "activation_request" && type !== "deactivation_request") {
    process.stderr.write(`${requestPath} is not an offline request file\n`);
    return 65;
  }
  const store = new DrmStore(values.db);
  try {
    if (!values.db) store.putLicense(licenseRecord({ license_key: String(request?.license_key) }));
    const orgSecret = parsePrivateKeyPem(await Bun.file(values["org-key"]).text());
    const days = values["offline-days"] === undefined ? DEFAULT_OFFLINE_DAYS : Number(values["offline-days"]);
    const result = await answerRequestFile(store, text, type, orgSecret, Date.now(), days);
    if (!result.ok) {
      process.stderr.write(`refused (${result.status}): ${result.error}\n`);
      return 1;
    }
    process.stdout.write(result.body);
    return 0;
  } finally {
    store.close();
  }
}
