// Fault injection for the reference DRM server: the ways a network or a hostile
// server misbehaves (spec 4.3), queued for the next N requests. Test-side only.
import { signedEnvelope } from "./mint.ts";

export type Fault =
  | { kind: "http-500-html" }
  | { kind: "http-502-json" }
  | { kind: "http-400-json"; message?: string }
  | { kind: "drop" }
  | { kind: "delay"; ms: number }
  | { kind: "bad-signature" }
  | { kind: "wrong-nonce" }
  | { kind: "replay" }
  | { kind: "unsigned-200" }
  | { kind: "redirect"; location?: string }
  /** `streamed`: chunked with no Content-Length, produced lazily (so 100 MB costs nothing). */
  | { kind: "huge-body"; bytes?: number; streamed?: boolean }
  /** The genuine signed answer, one byte every `intervalMs`. */
  | { kind: "slow-drip"; intervalMs?: number }
  /** Any status and body, for malformed output (truncated JSON, arrays, wrong types). */
  | { kind: "raw"; status: number; body: string; contentType?: string };

export type FaultKind = Fault["kind"];

export class FaultQueue {
  private queue: { fault: Fault; remaining: number }[] = [];

  inject(fault: Fault, count = 1): void {
    if (count > 0) this.queue.push({ fault, remaining: count });
  }

  /** The fault for this request, if any, spending one of its count. */
  take(): Fault | null {
    const head = this.queue[0];
    if (!head) return null;
    if (--head.remaining <= 0) this.queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queue = [];
  }
}

const json = (status: number, body: unknown) => Response.json(body, { status });
const MIB = 1024 * 1024;

/** Faults answered before the request is even looked at, as a broken network or proxy would. */
export function earlyFaultResponse(fault: Fault): Response | null {
  switch (fault.kind) {
    case "http-500-html":
      return new Response("<html><body><h1>500 Internal Server Error</h1></body></html>", {
        status: 500,
        headers: { "content-type": "text/html" },
      });
    case "http-502-json":
      return json(502, { error: "Bad gateway." });
    case "http-400-json":
      return json(400, { error: fault.message ?? "Injected bad request." });
    case "drop":
      // A body stream that fails before its first byte makes Bun reset the connection without a status line.
      return new Response(new ReadableStream({ start: (controller) => controller.error(undefined) }));
    case "redirect":
      return new Response(null, {
        status: 302,
        headers: { location: fault.location ?? "http://drm.example.invalid/api/v1/drm/heartbeat/" },
      });
    case "huge-body":
      return hugeBody(fault.bytes ?? 5 * MIB, fault.streamed ?? false);
    case "raw":
      return new Response(fault.body, { status: fault.status, headers: { "content-type": fault.contentType ?? "application/json" } });
    default:
      return null;
  }
}

/** Looks like the start of an envelope, then never ends in time. */
function hugeBody(bytes: number, streamed: boolean): Response {
  const headers = { "content-type": "application/json" };
  const prefix = new TextEncoder().encode('{"payload":"');
  if (!streamed) {
    const body = new Uint8Array(bytes).fill(0x41);
    body.set(prefix.subarray(0, bytes));
    return new Response(body, { headers });
  }
  const chunk = new Uint8Array(64 * 1024).fill(0x41);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const part = sent === 0 ? new Uint8Array([...prefix, ...chunk.subarray(prefix.length)]) : chunk;
      const piece = part.subarray(0, Math.min(part.length, bytes - sent));
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
  return new Response(stream, { headers });
}

export interface SigningKeys {
  org: Uint8Array;
  /** An unrelated key, for forged signatures. */
  other: Uint8Array;
}

/** The 200 body for `payload`, altered as the fault asks; `previous` is the last genuine 200 body sent. */
export async function faultedBody(
  fault: Fault | null,
  payload: Record<string, unknown>,
  keys: SigningKeys,
  previous: string | null,
): Promise<string> {
  switch (fault?.kind) {
    case "bad-signature":
      return signedEnvelope(payload, keys.other);
    case "wrong-nonce":
      return signedEnvelope({ ...payload, request_nonce: crypto.randomUUID() }, keys.org);
    case "unsigned-200":
      return JSON.stringify(payload);
    case "replay":
      // With nothing to replay yet, a fresh answer with a stale nonce is the closest thing.
      return previous ?? signedEnvelope({ ...payload, request_nonce: crypto.randomUUID() }, keys.org);
    default:
      return signedEnvelope(payload, keys.org);
  }
}

/** Sends `body` one byte at a time; stops when the client goes away. */
export function dripResponse(body: string, intervalMs: number): Response {
  const bytes = new TextEncoder().encode(body);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= bytes.length) return controller.close();
      await Bun.sleep(intervalMs);
      controller.enqueue(bytes.subarray(offset, ++offset));
    },
  });
  return new Response(stream, { headers: { "content-type": "application/json" } });
}
