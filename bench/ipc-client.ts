// The bench's JSON-lines client: each connection sends a request, awaits its
// answer, checks it, repeats; records every round trip. Loopback sockets only.

export interface ClientPlan {
  /** Connections over the whole run. */
  connections: number;
  /** Open at the same time at most (a finished one makes room for the next). */
  concurrency: number;
  perConnection: number;
  /** The request line for `id` (no newline). */
  request: (id: number) => string;
  /** Whether `answer` is the right response to `request(id)`. */
  accepts: (answer: string, id: number) => boolean;
}

export interface LoadResult {
  /** Connections that got every answer right and closed cleanly. */
  completed: number;
  /** Round trips answered correctly. */
  answered: number;
  /** Wrong answers, connections dropped mid-way, connects failing for any other reason. */
  errors: number;
  /** Connections the server closed at accept with `too many connections`. */
  refused: number;
  /** Connections reset while connecting: closed at accept before the refusal could be read. */
  reset: number;
  /** Connects refused by the kernel (ECONNREFUSED): the listen backlog was full, nothing reached accept. */
  backlogFull: number;
  seconds: number;
  latenciesMs: Float64Array;
  firstError?: string;
}

const REFUSAL = '{"status":"error","error":"too many connections"}';

type Outcome = "done" | "refused" | "reset" | "backlogFull" | "error";

/** Opens one connection and plays its requests; the slot is free only once the server has closed its side too. */
async function playConnection(path: string, plan: ClientPlan, latencies: number[], fail: (why: string) => void): Promise<Outcome> {
  let buffer = "";
  const lines: string[] = [];
  let waiting: ((answer: string | null) => void) | undefined;
  let isClosed = false;
  let closed!: () => void;
  const gone = new Promise<void>((resolve) => {
    closed = resolve;
  });
  // An answer may arrive before it is awaited (a refusal is sent at accept), so lines queue up.
  const settle = () => {
    if (!waiting || (lines.length === 0 && !isClosed)) return;
    const resolve = waiting;
    waiting = undefined;
    resolve(lines.shift() ?? null);
  };
  let socket: Bun.Socket<undefined>;
  try {
    socket = await Bun.connect({
      unix: path,
      // Half-open: after our FIN we wait for the server's close, so the server has let go of the slot too.
      allowHalfOpen: true,
      socket: {
        data(_socket, chunk) {
          buffer += chunk.toString();
          for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
            lines.push(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
          }
          settle();
        },
        close() {
          isClosed = true;
          settle();
          closed();
        },
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ECONNRESET") return "reset";
    if (code === "ECONNREFUSED") return "backlogFull";
    fail(`connect: ${String(error)} (${code})`);
    return "error";
  }
  for (let id = 1; id <= plan.perConnection; id++) {
    const started = performance.now();
    socket.write(`${plan.request(id)}\n`);
    const answer = await new Promise<string | null>((resolve) => {
      waiting = resolve;
      settle();
    });
    if (answer === REFUSAL) return "refused";
    if (answer === null || !plan.accepts(answer, id)) {
      fail(answer === null ? "connection closed before its answer" : `unexpected answer: ${answer.slice(0, 200)}`);
      socket.terminate();
      return "error";
    }
    latencies.push(performance.now() - started);
  }
  socket.shutdown();
  await gone;
  return "done";
}

/** Runs the plan against the socket at `path`; never throws for the server's faults, it counts them. */
export async function driveClients(path: string, plan: ClientPlan): Promise<LoadResult> {
  const latencies: number[] = [];
  const outcomes: Outcome[] = [];
  let firstError: string | undefined;
  const fail = (why: string) => {
    firstError ??= why;
  };
  let next = 0;
  const worker = async () => {
    while (next < plan.connections) {
      next++;
      outcomes.push(await playConnection(path, plan, latencies, fail));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.connections) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
  return {
    completed: count("done"),
    answered: latencies.length,
    errors: count("error"),
    refused: count("refused"),
    reset: count("reset"),
    backlogFull: count("backlogFull"),
    seconds,
    latenciesMs: Float64Array.from(latencies),
    firstError,
  };
}
