// A JSON-lines client for the IPC benchmarks: request, await the answer, repeat;
// records each round trip's latency.

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

async function connection(path: string, requests: number, line: string, latencies: number[]): Promise<number> {
  let errors = 0;
  let pending: ((ok: boolean) => void) | undefined;
  let buffer = "";
  const socket = await Bun.connect({
    unix: path,
    socket: {
      data(_socket, chunk) {
        buffer += chunk.toString();
        const nl = buffer.indexOf("\n");
        if (nl < 0) return;
        const answer = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        pending?.(answer.includes('"status":"ok"') || answer.includes('"method"'));
      },
      close() {
        pending?.(false);
      },
    },
  });
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const ok = await new Promise<boolean>((resolve) => {
      pending = resolve;
      socket.write(line);
    });
    latencies.push(performance.now() - started);
    if (!ok) errors++;
  }
  socket.end();
  return errors;
}

/** `connections` clients at once, each sending `perConnection` requests in turn. */
export async function runLoad(path: string, connections: number, perConnection: number, method = "get_license"): Promise<LoadResult> {
  const line = `${JSON.stringify({ method, id: 1 })}\n`;
  const latencies: number[] = [];
  const started = performance.now();
  const errors = await Promise.all(Array.from({ length: connections }, () => connection(path, perConnection, line, latencies)));
  return {
    requests: connections * perConnection,
    errors: errors.reduce((a, b) => a + b, 0),
    seconds: (performance.now() - started) / 1000,
    latenciesMs: latencies,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
