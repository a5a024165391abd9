// `npm run bench [-- --quick] [--idle-seconds N]`: every performance figure of the
// README, each against a baseline measured in this same run, as a Markdown table
// on stdout (progress on stderr). Loopback only; builds into a temp dir it removes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchBinaryVariants } from "./binary-variants.ts";
import { compileBaseline, compileTestSentinel } from "./compile.ts";
import { benchFloating } from "./floating.ts";
import { benchHardwareCollection } from "./hardware-collection.ts";
import { benchIdleCpu } from "./idle-cpu.ts";
import { benchIpc } from "./ipc.ts";
import { type Repetitions, RSS_SOURCE } from "./process-measure.ts";
import { benchFingerprint, benchHardwareBound, benchStandard } from "./startup.ts";
import { benchSteadyState } from "./steady-state.ts";
import { type Row, renderTable } from "./table.ts";

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, "idle-seconds": { type: "string" } },
});
const quick = values.quick;
const idleSeconds = Number(values["idle-seconds"] ?? (quick ? 10 : 60));
if (!Number.isFinite(idleSeconds) || idleSeconds <= 0 || idleSeconds > 600) {
  process.stderr.write("bench: --idle-seconds takes seconds, more than 0 and at most 600\n");
  process.exit(64);
}
const reps: Repetitions = quick ? { warmups: 2, runs: 9, rssRuns: 3 } : { warmups: 3, runs: 25, rssRuns: 7 };
const ipcRuns = quick ? { runs: 3, perConnection: 2000 } : { runs: 7, perConnection: 5000 };

const note = (text: string) => process.stderr.write(`bench: ${text}\n`);
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const work = mkdtempSync(join(tmpdir(), "sentinel-bench-"));
const rows: Row[] = [];
const loadAtStart = loadAverage();
const startedAt = performance.now();
try {
  note("compiling the sentinel test build and the baselines");
  const sentinel = await compileTestSentinel(join(work, "dist"));
  // The test/support helpers run SENTINEL_TEST_BINARY when set: this build, not dist/test, which running tests share.
  process.env.SENTINEL_TEST_BINARY = sentinel;
  const spawner = await compileBaseline("baseline-spawner.ts", join(work, "baseline-spawner"));
  const echoServer = await compileBaseline("echo-server.ts", join(work, "echo-server"));
  const ctx = { sentinel, spawner, work, reps };

  note("start-up and peak RSS: HARDWARE_BOUND vs the bare spawner");
  rows.push(...(await benchHardwareBound(ctx)));
  note("start-up and peak RSS: STANDARD against a loopback server vs the bare spawner");
  rows.push(...(await benchStandard(ctx)));
  note("start-up: a floating STANDARD run (lease and release) vs a plain STANDARD run");
  rows.push(...(await benchFloating(ctx)));
  note("steady RSS and threads while the software runs vs the bare spawner");
  rows.push(...(await benchSteadyState(ctx)));
  note("IPC: throughput vs a bare echo server, then load");
  rows.push(...(await benchIpc({ echoServer, work, ...ipcRuns })));
  note("fingerprint vs --version");
  rows.push(...(await benchFingerprint(ctx)));
  rows.push(...(await benchHardwareCollection()));
  note(`idle CPU for ${idleSeconds} s`);
  rows.push(await benchIdleCpu(idleSeconds));
  note("release builds: --minify × --bytecode");
  const variants = await benchBinaryVariants(work, reps);
  rows.push(...variants.rows);

  const missed = rows.filter((row) => row.met === false).map((row) => `- missed: ${row.measurement}`);
  process.stdout.write(
    [
      "",
      renderTable(rows),
      "",
      variants.verdict,
      ...missed,
      "",
      `Command: npm run bench${quick ? " -- --quick" : ""}${values["idle-seconds"] ? ` --idle-seconds ${idleSeconds}` : ""}. ` +
        `Start-up figures: median of ${reps.runs} runs after ${reps.warmups} warm-ups, sentinel and baseline interleaved; ` +
        `peak RSS: median of ${reps.rssRuns} runs (${RSS_SOURCE}). ` +
        `${new Date().toISOString().slice(0, 10)}, ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}, ` +
        `load average ${loadAtStart} at start, ${loadAverage()} at end, ${((performance.now() - startedAt) / 1000).toFixed(0)} s in all.`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
