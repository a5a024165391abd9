// Figures 4 and 5: `get_license` throughput and latency of a running compiled
// sentinel's socket against a bare compiled echo server, then load on the
// sentinel alone. Starts and stops its own sentinel and echo server.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fixtureRunArgs, readReport, startSentinel, waitFor } from "../test/support/sentinel-process.ts";
import { pinClientAndServer } from "./cpu-pinning.ts";
import { type ClientPlan, driveClients, type LoadResult } from "./ipc-client.ts";
import { median, percentile, residentMb } from "./process-measure.ts";
import { HARDWARE_BOUND_LICENSE, HW_ROOT, runtimeDir } from "./startup.ts";
import { fmt, type Row, ratioRow } from "./table.ts";

export interface IpcContext {
  echoServer: string;
  work: string;
  /** Measured throughput runs per server, and requests per connection in each. */
  runs: number;
  perConnection: number;
}

const request = (id: number) => `{"method":"get_license","id":${id}}`;
const sentinelPlan = (connections: number, concurrency: number, perConnection: number): ClientPlan => ({
  connections,
  concurrency,
  perConnection,
  request,
  accepts: (answer, id) => answer.startsWith(`{"status":"ok","id":${id},"license":{`),
});
// The echo server gets the very same request line and must give it back.
const echoPlan = (perConnection: number): ClientPlan => ({ ...sentinelPlan(16, 16, perConnection), accepts: (a, id) => a === request(id) });

const rate = (result: LoadResult) => result.answered / result.seconds;
const latency = (latencies: Float64Array[]) => {
  const all = Float64Array.from(latencies.flatMap((l) => Array.from(l)));
  return `p50 ${fmt(percentile(all, 50), 3)} ms, p99 ${fmt(percentile(all, 99), 3)} ms`;
};

/** Connections turned away: at accept (spec 7.3's cap) or, in a burst, by the kernel's full listen backlog. */
const turnedAway = (result: LoadResult) => result.refused + result.reset + result.backlogFull;

function requireClean(result: LoadResult, what: string): LoadResult {
  if (result.errors > 0 || turnedAway(result) > 0) {
    throw new Error(`${what}: ${result.errors} errors, ${turnedAway(result)} turned away (${result.firstError})`);
  }
  return result;
}

/** The sentinel's `get_license` members after the id (`,"license":{…}`): what the sized echo server answers with. */
async function licenseMembers(socket: string): Promise<string> {
  let members = "";
  const plan: ClientPlan = {
    ...sentinelPlan(1, 1, 1),
    accepts: (answer, id) => {
      members = answer.slice(`{"status":"ok","id":${id}`.length, -1);
      return members.startsWith(',"license":{');
    },
  };
  requireClean(await driveClients(socket, plan), "get_license");
  return members;
}

/**
 * 16 connections, request then await, in turn against the sentinel, the bare echo server and
 * the echo server answering lines as long as the sentinel's, `runs` times after a warm-up of each.
 */
async function benchThroughput(
  socket: string,
  echo: string,
  sized: { path: string; members: string },
  ctx: IpcContext,
  placement: string,
): Promise<Row[]> {
  requireClean(await driveClients(socket, sentinelPlan(16, 16, 200)), "sentinel warm-up");
  requireClean(await driveClients(echo, echoPlan(200)), "echo warm-up");
  requireClean(await driveClients(sized.path, sentinelPlan(16, 16, 200)), "sized echo warm-up");
  const ours: LoadResult[] = [];
  const bare: LoadResult[] = [];
  const same: LoadResult[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    ours.push(requireClean(await driveClients(socket, sentinelPlan(16, 16, ctx.perConnection)), "sentinel throughput"));
    bare.push(requireClean(await driveClients(echo, echoPlan(ctx.perConnection)), "echo throughput"));
    same.push(requireClean(await driveClients(sized.path, sentinelPlan(16, 16, ctx.perConnection)), "sized echo throughput"));
  }
  // Each ratio is the median of each run over the baseline run right after it: load drifting
  // over the whole measurement then cancels out instead of landing on one side.
  const against = (baseline: LoadResult[]) => median(ours.map((result, i) => rate(result) / rate(baseline[i] as LoadResult)));
  const figures = (results: LoadResult[]) => `${fmt(median(results.map(rate)), 0)}/s (${latency(results.map((r) => r.latenciesMs))})`;
  const ourFigures = figures(ours);
  return [
    ratioRow(
      `IPC \`get_license\` round trips/s, 16 connections × ${ctx.perConnection}, median of ${ctx.runs} paired runs (${placement})`,
      ourFigures,
      `bare echo server: ${figures(bare)}`,
      against(bare),
      { min: 0.8 },
    ),
    ratioRow(
      `… of which the floor: an echo server answering lines as long as the sentinel's (${`{"status":"ok","id":1}`.length + sized.members.length} bytes, not ~40)`,
      ourFigures,
      `sized echo server: ${figures(same)}`,
      against(same),
    ),
  ];
}

/** 1,000 connections, at most 64 open at once (the spec's cap), 100 requests each; then 1,000 opened at once. */
async function benchLoad(socket: string, pid: number, idlePeak: number): Promise<Row[]> {
  const load = await driveClients(socket, sentinelPlan(1000, 64, 100));
  const afterLoad = residentMb(pid);
  const clean = load.errors === 0 && turnedAway(load) === 0 && load.answered === 100_000;
  const burst = await driveClients(socket, sentinelPlan(1000, 1000, 100));
  const afterBurst = residentMb(pid);
  const check = await driveClients(socket, sentinelPlan(1, 1, 10));
  return [
    {
      measurement: "load: 1,000 connections over the run, 64 open at a time (the spec's cap), 100 `get_license` each",
      sentinel:
        `${load.answered} answered, ${load.errors} errors, ${turnedAway(load)} refused, ${fmt(rate(load), 0)}/s, ` +
        `p99 ${fmt(percentile(load.latenciesMs, 99), 3)} ms; sentinel peak RSS ${fmt(afterLoad.peak)} MiB`,
      baseline: `sentinel peak RSS before any IPC load: ${fmt(idlePeak)} MiB`,
      ratio: afterLoad.peak / idlePeak,
      target: "100,000 answered, 0 errors, bounded RSS",
      met: clean,
    },
    {
      measurement: "burst: 1,000 connections opened at once, 100 `get_license` each",
      sentinel:
        `${burst.completed} served in full, ${burst.refused + burst.reset} closed at accept (${burst.refused} read ` +
        `\`too many connections\`, ${burst.reset} reset while connecting), ${burst.backlogFull} refused by the kernel ` +
        `(listen backlog full), ${burst.errors} errors` +
        `${burst.firstError ? ` (${burst.firstError})` : ""}; peak RSS ${fmt(afterBurst.peak)} MiB; answering afterwards: ${check.answered === 10 ? "yes" : "NO"}`,
      baseline: `peak RSS before the burst: ${fmt(afterLoad.peak)} MiB`,
      ratio: afterBurst.peak / afterLoad.peak,
      target: "each served or refused, 0 errors, bounded RSS",
      met: burst.errors === 0 && burst.completed + turnedAway(burst) === 1000 && check.answered === 10,
    },
  ];
}

export async function benchIpc(ctx: IpcContext): Promise<Row[]> {
  const report = join(ctx.work, "ipc-report.json");
  const pinning = pinClientAndServer();
  // taskset execs the server in place: the pids below are the servers' own.
  const running = await startSentinel(
    fixtureRunArgs(HARDWARE_BOUND_LICENSE, report, ["wait"]),
    { SENTINEL_HW_ROOT: HW_ROOT, XDG_RUNTIME_DIR: runtimeDir(ctx.work, "run-ipc") },
    pinning.serverWrapper,
  );
  const echoDir = runtimeDir(ctx.work, "echo");
  const startEcho = (name: string, ...answer: string[]) => {
    const path = join(echoDir, name);
    const proc = Bun.spawn([...pinning.serverWrapper, ctx.echoServer, path, ...answer], { stdio: ["ignore", "ignore", "inherit"] });
    return { path, proc };
  };
  const echoes: ReturnType<typeof startEcho>[] = [];
  try {
    const { socket } = await waitFor(() => readReport(report), "the software to report its socket").catch((error: Error) => {
      throw new Error(`${error.message}; sentinel stderr: ${running.stderr().trim()}`);
    });
    const idlePeak = residentMb(running.proc.pid).peak;
    const members = await licenseMembers(socket);
    echoes.push(startEcho("echo.sock"), startEcho("sized.sock", members));
    for (const echo of echoes) await waitFor(() => existsSync(echo.path), "the echo servers to listen");
    const [bare, sized] = echoes.map((echo) => echo.path) as [string, string];
    const throughput = await benchThroughput(socket, bare, { path: sized, members }, ctx, pinning.description);
    return [...throughput, ...(await benchLoad(socket, running.proc.pid, idlePeak))];
  } finally {
    for (const echo of echoes) echo.proc.kill();
    running.proc.kill("SIGTERM");
    await Promise.all([...echoes.map((echo) => echo.proc.exited), running.exited]);
    pinning.release();
  }
}
