// A server on another loopback host that a redirect points at: it only counts
// requests, so a test can prove the sentinel never followed the redirect there.

export interface Decoy {
  url: string;
  requests(): number;
  stop(): Promise<void>;
}

export function startDecoy(hostname = "127.0.0.2"): Decoy {
  let seen = 0;
  const server = Bun.serve({
    hostname,
    port: 0,
    fetch: () => {
      seen++;
      return Response.json({ error: "decoy" }, { status: 404 });
    },
  });
  return { url: `http://${hostname}:${server.port}`, requests: () => seen, stop: () => server.stop(true) };
}
