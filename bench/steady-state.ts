// Steady state while the software runs: resident memory and threads of a HARDWARE_BOUND
// sentinel around a program that waits, against the bare Bun spawner around the same
// program, both sampled after the same settling time. Stops everything it starts.
import { existsSync, readFileSync } from "node:fs";
import { HARDWARE_BOUND_LICENSE, HW_ROOT, runtimeDir, type StartupContext } from "./startup.ts";
import { fmt, type Row, ratioRow } from "./table.ts";

/** How long each process runs before it is sampled, and how many samples (median) follow. */
const SETTLE_MS = 3000;
const SAMPLES = 10;
const SAMPLE_EVERY_MS = 100;

interface Steady {
  rssMb: number;
  /** The private part of it (RssAnon); the rest is the executable's code paged in, clean and shared. */
  anonMb: number;
  threads: number;
}

function statusOf(pid: number): Steady & { children: number[] } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"))?.[1] ?? Number.NaN);
  const childrenFile = `/proc/${pid}/task/${pid}/children`;
  const children = existsSync(childrenFile) ? readFileSync(childrenFile, "utf8").trim().split(/\s+/).filter(Boolean).map(Number) : [];
  return { rssMb: field("VmRSS") / 1024, anonMb: field("RssAnon") / 1024, threads: field("Threads"), children };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Starts `argv` (whose software is `sleep`), waits until the software runs and the settling time passes, samples, stops it. */
async function measure(argv: string[], env: Record<string, string | undefined>): Promise<Steady> {
  const proc = Bun.spawn(argv, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "ignore"] });
  let software: number | undefined;
  try {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const [child] = statusOf(proc.pid).children;
      if (child !== undefined && readFileSync(`/proc/${child}/comm`, "utf8").trim() === "sleep") {
        software = child;
        break;
      }
      if (performance.now() > deadline || proc.exitCode !== null) throw new Error(`${argv.join(" ")}: the software did not start`);
      await Bun.sleep(20);
    }
    await Bun.sleep(SETTLE_MS);
    const samples: Steady[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      samples.push(statusOf(proc.pid));
      await Bun.sleep(SAMPLE_EVERY_MS);
    }
    const of = (key: keyof Steady) => median(samples.map((s) => s[key]));
    return { rssMb: of("rssMb"), anonMb: of("anonMb"), threads: of("threads") };
  } finally {
    // The software first: the bare spawner forwards no signal, and either exits once its child has.
    if (software !== undefined) process.kill(software, "SIGTERM");
    else proc.kill("SIGKILL");
    await proc.exited;
  }
}

export async function benchSteadyState(ctx: StartupContext): Promise<Row[]> {
  const software = ["/bin/sleep", "600"];
  const env = { SENTINEL_HW_ROOT: HW_ROOT, XDG_RUNTIME_DIR: runtimeDir(ctx.work, "steady-state") };
  const ours = await measure(
    [ctx.sentinel, "run", "--license", HARDWARE_BOUND_LICENSE, "--software", software[0] as string, "--", "600"],
    env,
  );
  const base = await measure([ctx.spawner, ...software], {});
  return [
    ratioRow(
      `steady RSS while the software runs (HARDWARE_BOUND around \`sleep\`, after ${SETTLE_MS / 1000} s; of it anonymous; threads)`,
      `${fmt(ours.rssMb)} MiB (${fmt(ours.anonMb)} anonymous; ${ours.threads} threads)`,
      `bare Bun spawner: ${fmt(base.rssMb)} MiB (${fmt(base.anonMb)} anonymous; ${base.threads} threads)`,
      ours.rssMb / base.rssMb,
      { max: 1.4 },
    ),
  ];
}
