// `npm run bench [-- --quick] [--idle-seconds N]`: every performance figure of the
// README, each as a ratio against a baseline measured in this same run.
// Loopback only, bounded loops; prints a Markdown table on stdout.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { testBinary } from "../test/support/binary.ts";
import { REPO_ROOT, VECTORS } from "../test/support/paths.ts";
import { readReport, startSentinel, waitFor, workspace } from "../test/support/sentinel-process.ts";
import { standardWorld } from "../test/support/standard-world.ts";
import { percentile, runLoad } from "./ipc-client.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, "idle-seconds": { type: "string" } } });
const quick = values.quick;
const REPS = quick ? 8 : 25;
const IDLE_SECONDS = Number(values["idle-seconds"] ?? (quick ? 10 : 60));
const work = mkdtempSync(join(tmpdir(), "sentinel-bench-"));
const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const note = (text: string) => process.stderr.write(`bench: ${text}\n`);

interface Runs {
  ms: number;
  rssMb: number;
}

const TIME = "/usr/bin/time";

/** Peak RSS of one run, from GNU time (the largest of the process and the children it waited for). */
async function peakRssMb(argv: string[], env: Record<string, string>): Promise<number> {
  if (!existsSync(TIME)) return Number.NaN;
  const proc = Bun.spawn([TIME, "-f", "%M", ...argv], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const text = await new Response(proc.stderr).text();
  await proc.exited;
  return Number(text.trim().split("\n").at(-1)) / 1024;
}

/** Median wall time and median peak RSS of `argv` run to completion `REPS` times (after a warm-up). */
async function measure(argv: string[], env: Record<string, string> = {}): Promise<Runs> {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = -2; i < REPS; i++) {
    const started = performance.now();
    const proc = Bun.spawn(argv, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "ignore"] });
    const code = await proc.exited;
    if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}`);
    if (i < 0) continue;
    times.push(performance.now() - started);
    if (i < 5) rss.push(await peakRssMb(argv, env));
  }
  return { ms: median(times), rssMb: median(rss) };
}

async function compile(entry: string, outfile: string, options: Partial<Bun.BuildConfig> = {}): Promise<string> {
  const result = await Bun.build({
    entrypoints: [entry],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    ...options,
  } as Bun.BuildConfig);
  if (!result.success) throw new AggregateError(result.logs, `cannot build ${entry}`);
  return outfile;
}

function vmHwmMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
  return Number(line?.[1] ?? 0) / 1024;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in USER_HZ ticks
}

try {
  note("building the sentinel test build and the baselines");
  const sentinel = await testBinary();
  const spawner = await compile(join(import.meta.dir, "baseline-spawner.ts"), join(work, "spawner"));
  const { runtimeDir } = workspace();
  const hwEnv = { SENTINEL_HW_ROOT: join(VECTORS, "hwroot"), XDG_RUNTIME_DIR: runtimeDir };
  const hbLicense = join(VECTORS, "valid_hardware_bound.lic");

  note("start-up and memory: HARDWARE_BOUND around /bin/true");
  const base = await measure([spawner, "/bin/true"]);
  const hb = await measure([sentinel, "run", "--license", hbLicense, "--software", "/bin/true", "--log-level", "error"], hwEnv);
  row(
    "start-to-exit, HARDWARE_BOUND around /bin/true",
    `${fmt(hb.ms)} ms`,
    `bare Bun spawner: ${fmt(base.ms)} ms`,
    `${fmt(hb.ms / base.ms, 2)}×`,
    "≤ 2.0×",
  );
  row("peak RSS, same pair", `${fmt(hb.rssMb)} MiB`, `${fmt(base.rssMb)} MiB`, `${fmt(hb.rssMb / base.rssMb, 2)}×`, "≤ 1.5×");

  note("start-up: STANDARD against the reference server on loopback");
  const world = await standardWorld();
  const standardArgv = [sentinel, "run", "--license", world.licensePath, "--software", "/bin/true", "--log-level", "error"];
  await measure(standardArgv.slice(0), world.env); // includes the one activation in its warm-up
  const standard = await measure(standardArgv, world.env);
  row(
    "start-to-exit, STANDARD (heartbeat + launch)",
    `${fmt(standard.ms)} ms`,
    `bare Bun spawner: ${fmt(base.ms)} ms`,
    `${fmt(standard.ms / base.ms, 2)}×`,
    "—",
  );
  row("peak RSS, STANDARD", `${fmt(standard.rssMb)} MiB`, `${fmt(base.rssMb)} MiB`, `${fmt(standard.rssMb / base.rssMb, 2)}×`, "—");
  await world.stop();

  note("fingerprint time");
  const fingerprint = await measure([sentinel, "fingerprint"], hwEnv);
  const version = await measure([sentinel, "--version"]);
  row(
    "`sentinel fingerprint` (fixture root)",
    `${fmt(fingerprint.ms)} ms`,
    `\`--version\`: ${fmt(version.ms)} ms`,
    `${fmt(fingerprint.ms / version.ms, 2)}×`,
    "—",
  );

  note("IPC throughput: 16 connections, get_license vs a bare echo server");
  const ipc = workspace();
  const running = await startSentinel(
    [
      "run",
      "--license",
      hbLicense,
      "--software",
      join(REPO_ROOT, "test/e2e/fixtures/software.sh"),
      "--log-level",
      "error",
      "--",
      ipc.report,
      "wait",
    ],
    {
      SENTINEL_HW_ROOT: join(VECTORS, "hwroot"),
      XDG_RUNTIME_DIR: ipc.runtimeDir,
    },
  );
  const socket = (await waitFor(() => readReport(ipc.report), "the software to start")).socket;
  const perConnection = quick ? 500 : 2000;
  await runLoad(socket, 16, 100);
  const ours = await runLoad(socket, 16, perConnection);
  const echoDir = join(work, "echo");
  mkdirSync(echoDir, { mode: 0o700 });
  const echoPath = join(echoDir, "echo.sock");
  const echo = Bun.spawn([process.execPath, join(import.meta.dir, "echo-server.ts"), echoPath], { stdout: "pipe", stderr: "inherit" });
  await waitFor(() => existsSync(echoPath), "the echo server to listen");
  await runLoad(echoPath, 16, 100, "echo");
  const bare = await runLoad(echoPath, 16, perConnection, "echo");
  echo.kill();
  const rate = (r: { requests: number; seconds: number }) => r.requests / r.seconds;
  row(
    "IPC `get_license` round trips/s, 16 connections",
    `${fmt(rate(ours), 0)}/s (p50 ${fmt(percentile(ours.latenciesMs, 50), 2)} ms, p99 ${fmt(percentile(ours.latenciesMs, 99), 2)} ms)`,
    `bare echo: ${fmt(rate(bare), 0)}/s (p50 ${fmt(percentile(bare.latenciesMs, 50), 2)} ms, p99 ${fmt(percentile(bare.latenciesMs, 99), 2)} ms)`,
    `${fmt(rate(ours) / rate(bare), 2)}×`,
    "≥ 0.8×",
  );

  note("load: 1,000 connections (at most 50 at once, under the 64 limit), 100,000 requests");
  const rssBefore = vmHwmMb(running.proc.pid);
  let loadErrors = 0;
  let loadRequests = 0;
  const waves = quick ? 4 : 20;
  const loadStarted = performance.now();
  for (let wave = 0; wave < waves; wave++) {
    const result = await runLoad(socket, 50, 100);
    loadErrors += result.errors;
    loadRequests += result.requests;
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  row(
    `load: ${waves * 50} connections, ${loadRequests} requests`,
    `${loadErrors} errors, ${fmt(loadRequests / loadSeconds, 0)}/s, sentinel peak RSS ${fmt(vmHwmMb(running.proc.pid))} MiB`,
    `peak RSS before the load: ${fmt(rssBefore)} MiB`,
    `${fmt(vmHwmMb(running.proc.pid) / rssBefore, 2)}×`,
    "0 errors, bounded",
  );
  running.proc.kill("SIGTERM");
  await running.exited;

  note(`idle CPU: STANDARD, 1-minute heartbeat, ${IDLE_SECONDS} s`);
  const idleWorld = await standardWorld({ license: { heartbeat_interval_minutes: 1 } });
  const idle = await idleWorld.start(["wait"]);
  await waitFor(() => readReport(idleWorld.report), "the software to start");
  const cpu0 = cpuSeconds(idle.proc.pid);
  const t0 = performance.now();
  await Bun.sleep(IDLE_SECONDS * 1000);
  const cpuPercent = ((cpuSeconds(idle.proc.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
  const beats = (await idleWorld.server.admin.requestCounts()).heartbeat ?? 0;
  idle.proc.kill("SIGTERM");
  await idle.exited;
  await idleWorld.stop();
  row(
    `idle CPU over ${IDLE_SECONDS} s (1-minute heartbeat, ${beats} heartbeats in all)`,
    `${fmt(cpuPercent, 3)}% of one core`,
    "one core = 100%",
    "—",
    "< 0.5%",
  );

  note("binary size and --version start-up: minify × bytecode");
  const pem = readFileSync(join(VECTORS, "org_public.pem"), "utf8");
  const define = { SENTINEL_VERSION: '"bench"', SENTINEL_ORG_KEY_PEM: JSON.stringify(pem), SENTINEL_TEST_BUILD: "false" };
  const variants: Array<[string, Partial<Bun.BuildConfig>]> = [
    ["plain", {}],
    ["--minify", { minify: true }],
    ["--bytecode", { bytecode: true, format: "esm" }],
    ["--minify --bytecode (shipped)", { minify: true, bytecode: true, format: "esm" }],
  ];
  let plainMs = 0;
  for (const [name, options] of variants) {
    const file = await compile(join(REPO_ROOT, "src/main.ts"), join(work, `variant-${rows.length}`), { ...options, define });
    const startup = await measure([file, "--version"]);
    if (name === "plain") plainMs = startup.ms;
    row(
      `build ${name}`,
      `${fmt(statSync(file).size / 1024 / 1024)} MiB, \`--version\` ${fmt(startup.ms)} ms`,
      `plain: ${fmt(plainMs)} ms`,
      `${fmt(startup.ms / plainMs, 2)}×`,
      "—",
    );
  }

  const header = ["measurement", "sentinel", "baseline (same run)", "ratio", "target"];
  process.stdout.write(`\n| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|\n`);
  for (const cells of rows) process.stdout.write(`| ${cells.join(" | ")} |\n`);
  process.stdout.write(
    `\n${REPS} runs each (median), ${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}.\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
