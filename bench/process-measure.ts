// Measures whole processes for the bench: start-to-exit time, peak RSS, and the
// /proc counters of a running one. Owns no processes beyond the runs it starts.
import { existsSync, readFileSync } from "node:fs";

/** One program run to completion: argv and extra environment. */
export interface Command {
  argv: string[];
  env?: Record<string, string | undefined>;
  /** Descriptors 3 and up of the child (the exec helper's handshake pipe and software file). */
  extraFds?: ("pipe" | number)[];
  /** Time only: the command must be the bench's own child (no /usr/bin/time between). */
  timeOnly?: boolean;
}

export interface RunFigures {
  /** Median start-to-exit wall time. */
  ms: number;
  /** Median peak RSS (the process and the children it waited for). */
  rssMb: number;
}

export interface Repetitions {
  warmups: number;
  runs: number;
  /** How many of the runs also record peak RSS. */
  rssRuns: number;
}

const GNU_TIME = "/usr/bin/time";
/** Where peak RSS comes from: GNU time when installed, else the child's own rusage through Bun. */
export const RSS_SOURCE = existsSync(GNU_TIME) ? "/usr/bin/time -f %M" : "wait4 rusage (Bun resourceUsage)";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function runOnce({ argv, env, extraFds = [] }: Command): Promise<{ ms: number; rusageMb: number }> {
  const started = performance.now();
  const proc = Bun.spawn(argv, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe", ...extraFds] });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${stderr.trim().slice(-400)}`);
  return { ms, rusageMb: (proc.resourceUsage()?.maxRSS ?? Number.NaN) / 1024 / 1024 };
}

async function gnuTimePeakMb({ argv, env }: Command): Promise<number> {
  const proc = Bun.spawn([GNU_TIME, "-f", "%M", ...argv], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`${argv.join(" ")} under time exited ${code}: ${stderr.trim().slice(-400)}`);
  return Number(stderr.trim().split("\n").at(-1)) / 1024;
}

/**
 * Runs every command to completion `runs` times after `warmups`, interleaved
 * (A B C, then B C A, ...) so background load drifts over all of them alike.
 * Every run must exit 0. Returns the medians in the order given.
 */
export async function compareRuns<T extends Command[]>(commands: [...T], reps: Repetitions): Promise<{ [K in keyof T]: RunFigures }> {
  const times = commands.map((): number[] => []);
  const rss = commands.map((): number[] => []);
  for (let round = -reps.warmups; round < reps.runs; round++) {
    for (let k = 0; k < commands.length; k++) {
      const index = (k + Math.max(round, 0)) % commands.length;
      const command = commands[index] as Command;
      const { ms, rusageMb } = await runOnce(command);
      if (round < 0) continue;
      times[index]?.push(ms);
      if (round < reps.rssRuns && !command.timeOnly)
        rss[index]?.push(RSS_SOURCE.startsWith(GNU_TIME) ? await gnuTimePeakMb(command) : rusageMb);
    }
  }
  return commands.map((_, i) => ({ ms: median(times[i] ?? []), rssMb: median(rss[i] ?? []) })) as { [K in keyof T]: RunFigures };
}

/** Peak and current resident memory of a running process, from /proc/<pid>/status. */
export function residentMb(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? Number.NaN);
  return { peak: kib("VmHWM") / 1024, now: kib("VmRSS") / 1024 };
}

const clockTicks = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** CPU seconds (user + system) a running process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  // The command name in parentheses may hold spaces; fields are counted after it.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /s, "")
    .split(" ");
  // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}
