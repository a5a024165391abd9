// A TLS-inspecting proxy for tests (spec 14.1): answers CONNECT, terminates TLS with
// a certificate from its own CA (the one the sentinel is told to trust), and
// re-encrypts to the real server; it may rewrite the bodies it relays.
import { connect, createServer, type Socket } from "node:net";
import type { TestCa } from "./test-ca.ts";

export interface InspectingHop {
  /** The proxy URL to give the sentinel. */
  url: string;
  /** Requests relayed so far. */
  relayed(): number;
  stop(): Promise<void>;
}

export interface HopOptions {
  /** Signs the certificate the hop shows for `host`. */
  ca: TestCa;
  host: string;
  /** The real server: its loopback origin and the CA its certificate chains to. */
  upstreamOrigin: string;
  upstreamCaPem: string;
  /** Rewrites each response body in flight (an altering gateway). */
  alter?: (body: string) => string;
}

export async function startInspectingHop({ ca, host, upstreamOrigin, upstreamCaPem, alter }: HopOptions): Promise<InspectingHop> {
  const leaf = ca.issue({ names: [host] });
  let relayed = 0;
  const terminator = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert: leaf.chainPem, key: leaf.keyPem },
    async fetch(request) {
      const { pathname, search } = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const upstream = await fetch(`${upstreamOrigin}${pathname}${search}`, {
        method: request.method,
        headers,
        body: request.method === "GET" ? undefined : await request.arrayBuffer(),
        tls: { ca: upstreamCaPem },
        proxy: false,
        redirect: "manual",
      });
      relayed++;
      const text = await upstream.text();
      const contentType = upstream.headers.get("content-type") ?? "application/json";
      return new Response(alter ? alter(text) : text, { status: upstream.status, headers: { "content-type": contentType } });
    },
  });
  const sockets = new Set<Socket>();
  // CONNECT host:port → a raw pipe to the terminator, whatever host was asked for.
  const proxy = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      if (!head.toString("latin1").startsWith("CONNECT ")) {
        client.end("HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n");
        return;
      }
      const inner = connect({ host: "127.0.0.1", port: terminator.port as number }, () => {
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const rest = head.subarray(end + 4);
        if (rest.length > 0) inner.write(rest);
        client.pipe(inner).pipe(client);
      });
      sockets.add(inner);
      inner.on("close", () => sockets.delete(inner));
      inner.on("error", () => client.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    relayed: () => relayed,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await terminator.stop(true);
    },
  };
}
