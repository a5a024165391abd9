// One POST to the DRM server and its body, under one deadline and a hard size
// cap. Never throws: every failure becomes a reason. Never retries; client.ts does.
import { ofetch } from "ofetch";
import { fetchNetworkOptions, type Network } from "./network.ts";
import { nameNetworkFailure } from "./network-errors.ts";
import type { Exchange } from "./outcome.ts";

export interface PostInput {
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  /** Bodies longer than this are cut (reported as a null body), never buffered whole. */
  maxBytes: number;
  /** Trusted CAs and proxy (spec 14); absent: the runtime's roots, direct. */
  network?: Network;
}

class DeadlineExceeded extends Error {}

/**
 * ofetch sends the request (manual redirects, no retries, no error throwing,
 * the body left as a stream). Its own `timeout` is not used: ofetch clears it once
 * the headers arrive, so a server dripping the body byte by byte would never time
 * out. One AbortController covers headers and body alike instead.
 */
export async function postOnce({ url, headers, body, timeoutMs, maxBytes, network }: PostInput): Promise<Exchange> {
  const route = fetchNetworkOptions(network, url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded()), timeoutMs);
  try {
    const response = await ofetch.raw(url.href, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      retry: false,
      ignoreResponseError: true,
      responseType: "stream",
      signal: controller.signal,
      ...route,
    });
    const declared = Number(response.headers.get("content-length") ?? 0);
    const bytes = declared > maxBytes ? await discard(response.body) : await readCapped(response.body, maxBytes, controller.signal);
    return { kind: "response", status: response.status, body: bytes };
  } catch (error) {
    const proxy = network?.proxyFor(url)?.shown ?? null;
    if (controller.signal.aborted) {
      return { kind: "failed", reason: `no complete response within ${timeoutMs} ms${proxy ? ` (through proxy ${proxy})` : ""}` };
    }
    return { kind: "failed", reason: nameNetworkFailure(error, proxy).reason };
  } finally {
    clearTimeout(timer);
  }
}

async function discard(stream: ReadableStream<Uint8Array> | null): Promise<null> {
  await stream?.cancel().catch(() => {});
  return null;
}

/** Reads at most `maxBytes`; one byte more and the stream is cancelled and null returned. */
async function readCapped(stream: ReadableStream<Uint8Array> | null, maxBytes: number, signal: AbortSignal): Promise<Uint8Array | null> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  // Belt and braces: do not rely on the runtime to fail a pending read on abort.
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      length += value.length;
      if (length > maxBytes) return null;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks, length);
}
