// Figure 7: CPU used by an idle STANDARD sentinel with a 1-minute heartbeat in real
// minutes (SENTINEL_TEST_MINUTE_MS unset) around a software that only waits.
import { rmSync } from "node:fs";
import { fixtureRunArgs, readReport, startSentinel, waitFor } from "../test/support/sentinel-process.ts";
import { standardWorld } from "../test/support/standard-world.ts";
import { cpuSeconds } from "./process-measure.ts";
import { fmt, type Row } from "./table.ts";

const TARGET_PERCENT = 0.5;

export async function benchIdleCpu(idleSeconds: number): Promise<Row> {
  const world = await standardWorld({ license: { heartbeat_interval_minutes: 1 } });
  const running = await startSentinel(fixtureRunArgs(world.licensePath, world.report, ["wait"]), {
    ...world.env,
    SENTINEL_TEST_MINUTE_MS: undefined,
  });
  try {
    await waitFor(() => readReport(world.report), "the software to start");
    const heartbeats = async () => (await world.server.admin.requestCounts()).heartbeat ?? 0;
    const beatsBefore = await heartbeats();
    const cpuBefore = cpuSeconds(running.proc.pid);
    const started = performance.now();
    await Bun.sleep(idleSeconds * 1000);
    // A window of a minute or more must hold a whole loop heartbeat (the server sees the
    // request before the sentinel verifies the answer and saves its state), not only sleep.
    if (idleSeconds >= 60) {
      await waitFor(async () => (await heartbeats()) > beatsBefore, "a loop heartbeat", 20_000);
      await Bun.sleep(1000);
    }
    const cpu = cpuSeconds(running.proc.pid) - cpuBefore;
    const wall = (performance.now() - started) / 1000;
    const beats = (await heartbeats()) - beatsBefore;
    const percent = (cpu / wall) * 100;
    return {
      measurement: `idle CPU, STANDARD with a 1-minute heartbeat, ${fmt(wall)} s window (loop heartbeats in it: ${beats})`,
      sentinel: `${fmt(cpu * 1000, 0)} ms CPU = ${fmt(percent, 3)}% of one core`,
      baseline: "one core = 100%",
      ratio: null,
      target: `< ${TARGET_PERCENT}%`,
      met: percent < TARGET_PERCENT,
    };
  } finally {
    running.proc.kill("SIGTERM");
    await running.exited;
    await world.stop();
    rmSync(world.dir, { recursive: true, force: true });
  }
}
