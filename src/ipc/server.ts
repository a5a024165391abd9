// The IPC server (spec 7.2, 7.3): listens on the prepared path, owner-only from the
// first instant, caps connections, and removes its socket on close.
import { chmodSync, rmSync } from "node:fs";
import type { Socket } from "bun";
import { errno } from "../errno.ts";
import { ConfigError } from "../errors.ts";
import { log } from "../log.ts";
import { Connection } from "./connection.ts";
import { createRequestHandler, errorResponse, type ProtocolContext } from "./protocol.ts";

export const MAX_CONNECTIONS = 64;

export interface IpcServerOptions extends ProtocolContext {
  /** From prepareSocketPath: a unix socket path, or a named pipe on Windows. */
  path: string;
}

export interface IpcServer {
  readonly path: string;
  /** Stops listening, ends every connection and removes the socket file; safe to repeat. */
  close(): Promise<void>;
}

export async function startIpcServer({ path, license, status }: IpcServerOptions): Promise<IpcServer> {
  const handle = createRequestHandler({ license, status });
  const open = new Set<Socket<Connection | null>>();
  const isPipe = process.platform === "win32";

  // bind() creates the socket file with mode 0777 & ~umask. A 0177 umask for this
  // synchronous call makes it 0600 from birth (the 0700 directory already keeps
  // others out; this is the second lock). Files made meanwhile by other threads
  // could only come out more private, never less.
  let refused = 0;
  const previousUmask = process.umask(0o177);
  let listener: Bun.UnixSocketListener<Connection | null>;
  try {
    listener = Bun.listen<Connection | null>({
      unix: path,
      data: null,
      socket: {
        open(socket) {
          if (open.size >= MAX_CONNECTIONS) {
            // One line per burst, not per connection: logging each one slows accept() under load.
            if (refused++ === 0) log.warn(`IPC connections refused: already ${MAX_CONNECTIONS} open`);
            socket.end(`${errorResponse("too many connections")}\n`);
            return;
          }
          socket.data = new Connection(socket, handle);
          open.add(socket);
        },
        data: (socket, chunk) => socket.data?.receive(chunk),
        drain: (socket) => socket.data?.flush(),
        close: (socket) => {
          open.delete(socket);
          if (refused > 0 && open.size < MAX_CONNECTIONS) {
            log.warn(`IPC: ${refused} connection(s) refused while ${MAX_CONNECTIONS} were open`);
            refused = 0;
          }
        },
        error: (_socket, error) => log.debug(`IPC connection error: ${error.message}`),
      },
    });
  } catch (error) {
    throw new ConfigError(`cannot listen on IPC socket ${path} (${errno(error) ?? String(error)})`);
  } finally {
    process.umask(previousUmask);
  }
  try {
    if (!isPipe) chmodSync(path, 0o600);
  } catch (error) {
    listener.stop(true);
    throw new ConfigError(`cannot restrict IPC socket ${path} to its owner (${errno(error) ?? String(error)})`);
  }
  log.debug(`IPC listening on ${path}`);

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    listener.stop(true);
    for (const socket of open) socket.terminate();
    open.clear();
    if (!isPipe) rmSync(path, { force: true });
  };
  return {
    path,
    close() {
      closing ??= close();
      return closing;
    },
  };
}
