// Linux collection of every v2 binding component (spec 13.1, 13.2): files only, no
// subprocess, in process, on a fixture machine and on this machine, against the v1
// collector on its shared fixture root in the same run. `bun bench/hardware-collection.ts` runs it alone.
import { join } from "node:path";
import { collectComponents } from "../src/hardware/collect-components.ts";
import { collectFingerprint } from "../src/hardware/fingerprint.ts";
import { machineNamed } from "../test/hardware/fixtures/machines.ts";
import { machineRoot, removeMachineRoots } from "../test/hardware/machine-roots.ts";
import { VECTORS } from "../test/support/paths.ts";
import { median } from "./process-measure.ts";
import { fmt, type Row, renderTable } from "./table.ts";

const RUNS = 200;
const TARGET_MS = 5;

async function medianMs(action: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await action();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await action();
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function benchHardwareCollection(): Promise<Row[]> {
  try {
    const fixture = machineRoot(machineNamed("sata-desktop"));
    const v1 = await medianMs(() => collectFingerprint({ platform: "linux", root: join(VECTORS, "hwroot") }));
    const rows: Row[] = [];
    for (const [where, root] of [
      ["fixture SATA desktop", fixture],
      ["this machine", "/"],
    ] as const) {
      const ms = await medianMs(() => collectComponents({ platform: "linux", root }));
      rows.push({
        measurement: `Linux v2 collection, all 6 components + environment, in process (${where}; median of ${RUNS})`,
        sentinel: `${fmt(ms, 2)} ms`,
        baseline: `v1 collector, shared hwroot: ${fmt(v1, 2)} ms`,
        ratio: ms / v1,
        target: `≤ ${TARGET_MS} ms`,
        met: ms <= TARGET_MS,
      });
    }
    return rows;
  } finally {
    removeMachineRoots();
  }
}

if (import.meta.main) process.stdout.write(`${renderTable(await benchHardwareCollection())}\n`);
