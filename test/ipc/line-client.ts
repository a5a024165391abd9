// A test client for the IPC socket: writes with backpressure, reads whole lines,
// and reports when the server closed the connection.
import type { Socket } from "bun";

export interface LineClient {
  /** Writes all of `text`, waiting for the socket to drain; stops quietly if the server closes. */
  send(text: string | Uint8Array): Promise<void>;
  /** The next line without its newline, or null once the connection has closed. */
  nextLine(): Promise<string | null>;
  /** Sends one request object (or raw line) and parses the response line. */
  request(request: object | string): Promise<Record<string, unknown>>;
  readonly closed: Promise<void>;
  close(): void;
}

export async function connectLineClient(path: string): Promise<LineClient> {
  const lines: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  const decoder = new TextDecoder();
  let buffered = "";
  let isClosed = false;
  let drained: (() => void) | undefined;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });

  const socket: Socket = await Bun.connect({
    unix: path,
    socket: {
      data(_socket, chunk) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 1);
          const waiter = waiting.shift();
          if (waiter) waiter(line);
          else lines.push(line);
        }
      },
      drain() {
        drained?.();
      },
      close() {
        isClosed = true;
        for (const waiter of waiting.splice(0)) waiter(null);
        drained?.();
        markClosed();
      },
      error() {},
    },
  });

  const client: LineClient = {
    async send(text) {
      let bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
      while (bytes.length > 0 && !isClosed) {
        const written = socket.write(bytes);
        if (written < 0) return;
        bytes = bytes.subarray(written);
        if (bytes.length > 0) await new Promise<void>((resolve) => (drained = resolve));
      }
    },
    nextLine() {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(line);
      if (isClosed) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async request(request) {
      await client.send(`${typeof request === "string" ? request : JSON.stringify(request)}\n`);
      const line = await client.nextLine();
      if (line === null) throw new Error("connection closed before a response");
      return JSON.parse(line) as Record<string, unknown>;
    },
    closed,
    close() {
      socket.end();
    },
  };
  return client;
}
