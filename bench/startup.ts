// Start-to-exit time and peak RSS of whole sentinel runs against a bare compiled
// Bun spawner, and the fingerprint command against `--version`. Runs only the
// binaries it is given, in its own directories, against a loopback DRM server.
import { mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execHelperImage } from "../native/compile-exec-helper.ts";
import { VECTORS } from "../test/support/paths.ts";
import { standardWorld, type World } from "../test/support/standard-world.ts";
import { type Command, compareRuns, type Repetitions, type RunFigures } from "./process-measure.ts";
import { fmt, type Row, ratioRow } from "./table.ts";

export interface StartupContext {
  sentinel: string;
  spawner: string;
  /** A private directory of the bench's own. */
  work: string;
  reps: Repetitions;
}

export const HW_ROOT = join(VECTORS, "hwroot");
export const HARDWARE_BOUND_LICENSE = join(VECTORS, "valid_hardware_bound.lic");

/** A private XDG_RUNTIME_DIR (0700, as the sentinel requires) under `work`. */
export function runtimeDir(work: string, name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

const ms = (figures: RunFigures) => `${fmt(figures.ms)} ms`;
const mib = (figures: RunFigures) => `${fmt(figures.rssMb)} MiB`;

/** Figures 1 and 2: HARDWARE_BOUND around /bin/true (default log level, as a customer runs it). */
export async function benchHardwareBound(ctx: StartupContext): Promise<Row[]> {
  const sentinel: Command = {
    argv: [ctx.sentinel, "run", "--license", HARDWARE_BOUND_LICENSE, "--software", "/bin/true"],
    env: { SENTINEL_HW_ROOT: HW_ROOT, XDG_RUNTIME_DIR: runtimeDir(ctx.work, "run-hardware-bound") },
  };
  // Not figures of their own: the floor any run of this binary pays (the runtime and the
  // bundle load, as `--version`), and on Linux the exec helper giving the software its
  // parent-death signal, run alone as the sentinel runs it (from a file here, not a memfd).
  const version: Command = { argv: [ctx.sentinel, "--version"] };
  const helper = join(ctx.work, "exec-helper");
  writeFileSync(helper, Buffer.from(execHelperImage(`bun-linux-${process.arch}`), "base64"), { mode: 0o700 });
  const trampoline: Command = {
    argv: [helper, String(process.pid), "", "/bin/true"],
    extraFds: ["pipe", openSync("/bin/true", "r")],
    timeOnly: true,
  };
  const spawner: Command = { argv: [ctx.spawner, "/bin/true"] };
  const [ours, floor, alone, base] = await compareRuns([sentinel, version, trampoline, spawner], ctx.reps);
  const baseline = `bare Bun spawner: ${ms(base)}`;
  return [
    ratioRow("start-to-exit, HARDWARE_BOUND run of /bin/true", ms(ours), baseline, ours.ms / base.ms, { max: 2 }),
    ratioRow("… of which the floor: `sentinel --version` alone", ms(floor), baseline, floor.ms / base.ms),
    ratioRow("… and the exec helper alone, then /bin/true", ms(alone), baseline, alone.ms / base.ms),
    ratioRow("peak RSS, HARDWARE_BOUND run of /bin/true", mib(ours), `bare Bun spawner: ${mib(base)}`, ours.rssMb / base.rssMb, {
      max: 1.5,
    }),
    ratioRow("… of which the floor: `sentinel --version` alone", mib(floor), `bare Bun spawner: ${mib(base)}`, floor.rssMb / base.rssMb),
  ];
}

/** Activates the world's machine once; returns the environment for timed runs (real licence minutes). */
export async function activateOnce(sentinel: string, world: World): Promise<Record<string, string | undefined>> {
  // Real licence minutes: the test switch is left unset, not merely set to 60 000.
  const env = { ...world.env, SENTINEL_TEST_MINUTE_MS: undefined };
  // Spawned asynchronously: the server answering it runs in this process.
  const activate = Bun.spawn([sentinel, "activate", "--license", world.licensePath], { env: { ...process.env, ...env }, stderr: "pipe" });
  const [code, stderr] = await Promise.all([activate.exited, new Response(activate.stderr).text()]);
  if (code !== 0) throw new Error(`activation failed (${code}): ${stderr.trim()}`);
  return env;
}

/** Figure 3: STANDARD against the reference server on loopback; activated once first, so each timed run is heartbeat + launch + exit. */
export async function benchStandard(ctx: StartupContext): Promise<Row[]> {
  const world = await standardWorld();
  try {
    const env = await activateOnce(ctx.sentinel, world);
    const sentinel: Command = { argv: [ctx.sentinel, "run", "--license", world.licensePath, "--software", "/bin/true"], env };
    const [ours, base] = await compareRuns([sentinel, { argv: [ctx.spawner, "/bin/true"] }], ctx.reps);
    const runs = 1 + ctx.reps.warmups + ctx.reps.runs + ctx.reps.rssRuns; // the activation included
    // One heartbeat per run proves each timed run really went to the server.
    const heartbeats = (await world.server.admin.requestCounts()).heartbeat ?? 0;
    return [
      ratioRow(
        `start-to-exit, STANDARD run of /bin/true (loopback server; ${heartbeats} heartbeats for ${runs} runs)`,
        ms(ours),
        `bare Bun spawner: ${ms(base)}`,
        ours.ms / base.ms,
        { max: 4 },
      ),
      ratioRow("peak RSS, STANDARD run of /bin/true", mib(ours), `bare Bun spawner: ${mib(base)}`, ours.rssMb / base.rssMb),
    ];
  } finally {
    await world.stop();
    rmSync(world.dir, { recursive: true, force: true });
  }
}

/** Figure 6: `sentinel fingerprint` on the fixture root against the same binary's `--version`. */
export async function benchFingerprint(ctx: StartupContext): Promise<Row[]> {
  const fingerprint: Command = { argv: [ctx.sentinel, "fingerprint"], env: { SENTINEL_HW_ROOT: HW_ROOT } };
  const [ours, base] = await compareRuns([fingerprint, { argv: [ctx.sentinel, "--version"] }], ctx.reps);
  return [ratioRow("`sentinel fingerprint` (fixture root)", ms(ours), `\`sentinel --version\`: ${ms(base)}`, ours.ms / base.ms)];
}
