// One IPC client connection: splits its bytes into lines under the size limit,
// answers each, and queues what the client has not read yet (spec 7.3).
import type { Socket } from "bun";
import { log } from "../log.ts";
import { encodeUtf8 } from "../text/utf8.ts";
import { errorResponse } from "./protocol.ts";

export const MAX_LINE_BYTES = 64 * 1024;
/** A client that leaves this much unread is dropped; one response past it is still queued. */
export const MAX_UNREAD_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;
const EMPTY = new Uint8Array(0);

export class Connection {
  private partial: Uint8Array = new Uint8Array(0);
  private readonly unread: Uint8Array[] = [];
  private unreadBytes = 0;
  /** Set once the connection is on its way out: no more requests are read. */
  private closing = false;

  constructor(
    private readonly socket: Socket<Connection | null>,
    private readonly handle: (line: Uint8Array) => string,
  ) {}

  receive(chunk: Uint8Array): void {
    if (this.closing) return;
    const data = this.partial.length === 0 ? chunk : Buffer.concat([this.partial, chunk]);
    let start = 0;
    let end = data.indexOf(NEWLINE);
    while (end !== -1 && end - start <= MAX_LINE_BYTES && !this.closing) {
      // A plain view: Buffer#subarray builds a Buffer per line (6% of the server's time under load).
      this.respond(new Uint8Array(data.buffer, data.byteOffset + start, end - start));
      start = end + 1;
      end = data.indexOf(NEWLINE, start);
    }
    if (this.closing) return;
    // Here `start` opens either a line that is too long or the unfinished next one.
    if ((end === -1 ? data.length : end) - start > MAX_LINE_BYTES) {
      this.refuseTooLarge();
      return;
    }
    // Copied (Buffer#slice would not copy): the runtime may reuse the chunk's memory after this callback.
    this.partial = start === data.length ? EMPTY : new Uint8Array(data.subarray(start));
  }

  /** The socket can take more: write out what is queued. */
  flush(): void {
    while (this.unread.length > 0) {
      const head = this.unread[0] as Uint8Array;
      const written = this.socket.write(head);
      if (written < 0) return;
      this.unreadBytes -= written;
      if (written < head.length) {
        this.unread[0] = head.subarray(written);
        return;
      }
      this.unread.shift();
    }
    if (this.closing) this.socket.end();
  }

  private respond(line: Uint8Array): void {
    let response: string;
    try {
      response = this.handle(line);
    } catch (error) {
      log.error(`IPC request failed: ${String(error)}`);
      response = errorResponse("internal error");
    }
    this.send(response);
  }

  private send(response: string): void {
    if (this.unreadBytes > MAX_UNREAD_BYTES) {
      log.warn(`IPC client dropped: it left more than ${MAX_UNREAD_BYTES} bytes of responses unread`);
      this.closing = true;
      this.unread.length = 0;
      this.socket.terminate();
      return;
    }
    const line = `${response}\n`;
    // The common case writes the string straight out; bytes are made only for what must wait.
    const written = this.unread.length === 0 ? this.socket.write(line) : 0;
    if (written < 0 || written === Buffer.byteLength(line)) return;
    const bytes = encodeUtf8(line);
    this.unread.push(bytes.subarray(written));
    this.unreadBytes += bytes.length - written;
  }

  private refuseTooLarge(): void {
    this.partial = new Uint8Array(0);
    this.send(errorResponse("request too large"));
    this.closing = true;
    if (this.unread.length === 0) this.socket.end();
  }
}
