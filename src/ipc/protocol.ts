// The IPC line protocol (spec 7.3): one request line in, one response line out.
// Pure: the licence and a status getter are passed in; no sockets here.

import type { License } from "../license/validate.ts";
import { compactJson, rawMember } from "../text/raw-json.ts";
import { decodeUtf8 } from "../text/utf8.ts";

export type IpcLicense = Pick<License, "licenseKey" | "licenseType" | "expiryDate" | "featuresJson" | "orgId" | "softwareId">;

/** The running flow's view of its heartbeat state; ignored for HARDWARE_BOUND. */
export interface StatusSnapshot {
  online: boolean;
  lastHeartbeatSuccess: number | null;
  graceRemainingSeconds: number;
  graceExhausted: boolean;
  /** Spec 15.2: the last day of an offline activation, shown only when there is one. */
  offlineUntil?: string;
  /** A floating licence's seat (spec 16.2 step 6); absent or null when the licence does not float. */
  floating?: FloatingStatus | null;
}

export interface FloatingStatus {
  lease_expires_at: string;
  seats_used: number;
  seats_total: number;
}

export interface ProtocolContext {
  license: IpcLicense;
  status: () => StatusSnapshot;
}

/** Member name → JSON text. Values given as text are spliced in unchanged, so signed numbers keep every digit. */
type Members = [name: string, jsonText: string][];

/** `,"name":text` for each member: the tail of an object after its first members. */
const membersTail = (members: Members) => members.map(([name, text]) => `,${JSON.stringify(name)}:${text}`).join("");

const objectText = (members: Members): string => `{${membersTail(members).slice(1)}}`;

const json = (value: unknown): string => JSON.stringify(value);

function licenseMembers(license: IpcLicense, featuresText: string): Members {
  return [
    ["license_key", json(license.licenseKey)],
    ["license_type", json(license.licenseType)],
    ["expiry_date", json(license.expiryDate)],
    ["features", featuresText],
    ["org_id", json(license.orgId)],
    ["software_id", json(license.softwareId)],
  ];
}

function stateMembers(license: IpcLicense, status: () => StatusSnapshot): Members {
  const standard = license.licenseType === "STANDARD" ? status() : null;
  return [
    ["license_type", json(license.licenseType)],
    ["online", json(standard?.online ?? null)],
    ["last_heartbeat_success", json(standard?.lastHeartbeatSuccess ?? null)],
    ["grace_remaining_seconds", json(standard?.graceRemainingSeconds ?? null)],
    ["grace_exhausted", json(standard?.graceExhausted ?? null)],
    ["expiry_date", json(license.expiryDate)],
    ...(standard?.offlineUntil ? ([["offline_until", json(standard.offlineUntil)]] as Members) : []),
    ["floating", json(standard?.floating ?? null)],
  ];
}

/** `{"status":…,"id":…` then `tail` (members text, each led by a comma) and `}`: no per-request serialising of what is fixed. */
function response(status: "ok" | "error", id: string | undefined, tail: string): string {
  return `{"status":"${status}"${id === undefined ? "" : `,"id":${id}`}${tail}}`;
}

const errorTail = (message: string) => membersTail([["error", json(message)]]);

export function errorResponse(message: string): string {
  return response("error", undefined, errorTail(message));
}

/** Builds the handler once per server, compacting `features` once. Takes a line without its newline; returns one without. */
export function createRequestHandler({ license, status }: ProtocolContext): (lineBytes: Uint8Array) => string {
  const featuresText = compactJson(license.featuresJson);
  // The licence never changes while the server runs: its answers are serialised once.
  const fixed = new Map([
    ["health", ""],
    ["get_license", membersTail([["license", objectText(licenseMembers(license, featuresText))]])],
    ["get_features", membersTail([["features", featuresText]])],
  ]);
  return (lineBytes) => {
    let line: string;
    let request: unknown;
    try {
      line = decodeUtf8(lineBytes);
      request = JSON.parse(line);
    } catch {
      return errorResponse("malformed request");
    }
    if (typeof request !== "object" || request === null || Array.isArray(request)) return errorResponse("malformed request");
    // The id goes back exactly as the client wrote it (big integers, nested objects).
    const id = Object.hasOwn(request, "id") ? rawMember(line, "id") : undefined;
    const method = (request as { method?: unknown }).method;
    if (typeof method !== "string") return response("error", id, errorTail("malformed request"));
    if (method === "get_status") return response("ok", id, membersTail([["state", objectText(stateMembers(license, status))]]));
    const tail = fixed.get(method);
    return tail === undefined ? response("error", id, errorTail(`unknown method: ${method}`)) : response("ok", id, tail);
  };
}
