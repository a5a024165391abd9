// Keeps the IPC client and the servers on different CPUs with taskset(1) when it can,
// so every run measures the same cross-core round trip rather than whatever placement
// the scheduler picked (on one shared core a round trip costs much less).
import { existsSync } from "node:fs";

const TASKSET = "/usr/bin/taskset";

export interface Pinning {
  /** Prefix for a server's command line: runs it on the server CPU. */
  serverWrapper: string[];
  /** Says where each side ran, for the table. */
  description: string;
  /** Gives this process back the CPUs it had. */
  release(): void;
}

function taskset(args: string[]): string {
  const result = Bun.spawnSync([TASKSET, ...args], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`taskset ${args.join(" ")}: ${result.stderr.toString().trim()}`);
  return result.stdout.toString();
}

/** Pins every thread of this process (the client) to one allowed CPU and servers to another; no-op without taskset or a second CPU. */
export function pinClientAndServer(): Pinning {
  const unpinned = { serverWrapper: [], description: "client and servers unpinned", release() {} };
  if (!existsSync(TASKSET)) return unpinned;
  const pid = String(process.pid);
  // "pid 123's current affinity list: 0,1" (ranges like 0-3 expanded below).
  const list = taskset(["-c", "-p", pid]).split(": ")[1]?.trim() ?? "";
  const cpus = list.split(",").flatMap((part) => {
    const [from = Number.NaN, to = from] = part.split("-").map(Number);
    return Number.isInteger(from) && Number.isInteger(to) && to >= from ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : [];
  });
  const [client, server] = cpus;
  if (client === undefined || server === undefined) return unpinned;
  taskset(["-a", "-c", "-p", String(client), pid]);
  return {
    serverWrapper: [TASKSET, "-c", String(server)],
    description: `client on CPU ${client}, servers on CPU ${server}`,
    release: () => void taskset(["-a", "-c", "-p", list, pid]),
  };
}
