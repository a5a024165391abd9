// An offline activation response file (spec 15.1–15.2 step 3), verified like a
// server response (4.2) against the pending request, then its own fields. Pure
// apart from reading the file, which is bounded like a licence file. Opening (the
// signature, async) needs no state, so it is done before the state lock.
import { closeSync, openSync } from "node:fs";
import { parseEnvelope } from "../crypto/signed-envelope.ts";
import { parseRespondedAt } from "../drm/outcome.ts";
import { MAX_RESPONSE_BYTES, matchResponse, type OpenedResponse, openResponse } from "../drm/response.ts";
import { errno } from "../errno.ts";
import { UsageError } from "../errors.ts";
import { readCapped } from "../license/load.ts";
import { quoted } from "../text/quote.ts";

export interface ExpectedOfflineResponse {
  /** The request this machine is waiting on; undefined when none is. */
  pendingNonce: string | undefined;
  machineId: string;
  licenseKey: string;
}

export type OfflineResponseCheck = { ok: true; offlineUntil: string; respondedAt: number } | { ok: false; message: string };

const REFUSALS: Record<string, string> = {
  size: "size check failed (over 1 MiB)",
  envelope: "envelope check failed (not a signed response file)",
  signature: "signature check failed (not signed by this vendor's organization key)",
  payload: "payload check failed (not a JSON object)",
  request_nonce: "request_nonce check failed (not the answer to this machine's pending request)",
  machine_id: "machine_id check failed (the response is for another machine)",
  license_key: "license_key check failed (the response is for another license)",
};

const refuse = (message: string): OfflineResponseCheck => ({ ok: false, message });

function isCalendarDay(value: unknown): value is string {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The file's `alg` and its contents opened with the org key; judged by checkOfflineResponse. */
export interface OpenedResponseFile {
  alg: unknown;
  opened: OpenedResponse;
}

/** `bytes` is null when the file was over 1 MiB. */
export async function openResponseFile(bytes: Uint8Array | null, orgPublicPoint: Uint8Array): Promise<OpenedResponseFile> {
  return { alg: bytes && parseEnvelope(bytes)?.fields.alg, opened: await openResponse(bytes, orgPublicPoint) };
}

export function checkOfflineResponse({ alg, opened }: OpenedResponseFile, expected: ExpectedOfflineResponse): OfflineResponseCheck {
  if (expected.pendingNonce === undefined)
    return refuse("no offline activation request is pending for this license (run activate --offline-request first)");
  if (alg !== undefined && alg !== null && alg !== "ES256") return refuse("alg check failed (expected ES256)");
  const verified = matchResponse(opened, { ...expected, nonce: expected.pendingNonce });
  if (!verified.ok) return refuse(REFUSALS[verified.failed] as string);
  const { payload } = verified;
  // A server response may leave these out (4.2 "where present"); an activation response names them.
  if (payload.machine_id !== expected.machineId) return refuse(REFUSALS.machine_id as string);
  if (payload.license_key !== expected.licenseKey) return refuse(REFUSALS.license_key as string);
  if (payload.status !== "ACTIVE") return refuse(`status check failed (${quoted(payload.status)}, not ACTIVE)`);
  if (!isCalendarDay(payload.offline_until)) return refuse("offline_until check failed (not a YYYY-MM-DD date)");
  const respondedAt = parseRespondedAt(payload.responded_at);
  if (respondedAt === undefined) return refuse("responded_at check failed (not an ISO 8601 UTC time)");
  return { ok: true, offlineUntil: payload.offline_until, respondedAt };
}

/** The file's bytes, or null when it is over 1 MiB (never read whole). */
export function readResponseFile(path: string): Uint8Array | null {
  const unreadable = (error: unknown) => new UsageError(`cannot read the response file ${path}: ${errno(error) ?? "unreadable"}`);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw unreadable(error);
  }
  try {
    const bytes = readCapped(fd, MAX_RESPONSE_BYTES);
    return bytes.length > MAX_RESPONSE_BYTES ? null : bytes;
  } catch (error) {
    throw unreadable(error);
  } finally {
    closeSync(fd);
  }
}
