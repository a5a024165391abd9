// Writes the v2 fixture machines (fixtures/machines.ts) out as Linux roots in a
// temporary directory, as they are or after some components changed; removed after.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ComponentName } from "../../src/hardware/components.ts";
import { type Machine, valuesAfter } from "./fixtures/machines.ts";
import { writeTree } from "./fixtures/sysfs-tree.ts";

const made: string[] = [];

export function removeMachineRoots(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A root for `machine`, with the components in `changed` given their other value. */
export function machineRoot(machine: Machine, changed: readonly ComponentName[] = []): string {
  const root = mkdtempSync(join(tmpdir(), `sentinel-${machine.name}-`));
  made.push(root);
  writeTree(root, machine.build(valuesAfter(machine, changed)));
  return root;
}
