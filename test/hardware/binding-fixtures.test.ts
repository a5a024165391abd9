// The v2 fixture machines (spec 13): what each one's collector finds and where,
// its environment, and that a 2-of-3 binding survives any one part changing and
// refuses two. Real roots on disk with real sysfs symlinks, read by the real collector.
import { afterAll, describe, expect, test } from "bun:test";
import { collectComponents, hashComponents } from "../../src/hardware/collect-components.ts";
import { COMPONENT_NAMES, type ComponentName, hashComponent } from "../../src/hardware/components.ts";
import { collectFingerprint } from "../../src/hardware/fingerprint.ts";
import type { HardwareBinding } from "../../src/license/hardware-binding.ts";
import { bindingFailure, checkBinding } from "../../src/sentinel/binding-check.ts";
import { MACHINES, type Machine, machineNamed } from "./fixtures/machines.ts";
import { machineRoot, removeMachineRoots } from "./machine-roots.ts";

afterAll(removeMachineRoots);

const ORG_KEY = `${"0".repeat(63)}1`;

async function hashedOn(root: string, names?: ComponentName[]) {
  return hashComponents(ORG_KEY, await collectComponents({ platform: "linux", root, names }));
}

/** The binding a vendor issues from the machine as it is: its trio, 2 needed. */
function trioBinding(machine: Machine): HardwareBinding {
  const components = Object.fromEntries(machine.trio.map((name) => [name, hashComponent(ORG_KEY, name, machine.values[name] as string)]));
  return { components, minMatch: 2, socketId: "unused" };
}

async function verdict(machine: Machine, changed: ComponentName[]) {
  const report = checkBinding(trioBinding(machine), await hashedOn(machineRoot(machine, changed), machine.trio));
  return { report, failure: bindingFailure(report)?.message ?? null };
}

const pairs = <T>(items: readonly T[]): [T, T][] => items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));

describe.each(MACHINES.map((machine) => [machine.name, machine] as const))("%s", (_, machine) => {
  test("collects exactly its components, each from its expected source, and its environment", async () => {
    const collected = await collectComponents({ platform: "linux", root: machineRoot(machine) });
    expect(collected.environment).toBe(machine.environment);
    const found: Record<string, unknown> = Object.fromEntries(
      Object.entries(collected.readings).flatMap(([name, reading]) => ("value" in reading ? [[name, reading]] : [])),
    );
    const expected = Object.fromEntries(
      Object.entries(machine.values).map(([name, value]) => [name, { value, source: machine.sources[name as ComponentName] }]),
    );
    expect(found).toEqual(expected);
    for (const name of COMPONENT_NAMES.filter((n) => !(n in machine.values))) {
      expect(collected.readings[name]).toEqual({ unavailable: expect.any(String) });
    }
  });

  test("a 2-of-3 binding accepts it as it is", async () => {
    const { report, failure } = await verdict(machine, []);
    expect(failure).toBeNull();
    expect(report.matched.sort()).toEqual([...machine.trio].sort());
  });

  test.each(Object.keys(machine.changed) as ComponentName[])("… and after %s alone changed", async (name) => {
    const { report, failure } = await verdict(machine, [name]);
    expect(failure).toBeNull();
    expect(report.different).toEqual(machine.trio.includes(name) ? [name] : []);
  });

  test.each(pairs(machine.trio))("… but refuses it after %s and %s both changed", async (a, b) => {
    const { report, failure } = await verdict(machine, [a, b]);
    expect(failure).toBe("hardware binding mismatch: 1 of 3 components match, 2 needed");
    expect(report.different.sort()).toEqual([a, b].sort());
  });
});

describe("clones and strangers", () => {
  test("a cloned VM image keeps the machine-id but nothing else: the original's binding refuses it", async () => {
    const original = machineNamed("kvm-guest");
    const clone = machineNamed("cloned-vm");
    const report = checkBinding(trioBinding(original), await hashedOn(machineRoot(clone), original.trio));
    expect(report.matched).toEqual(["machine_id"]);
    expect(bindingFailure(report)?.message).toBe("hardware binding mismatch: 1 of 3 components match, 2 needed");
  });

  test("a binding issued under one org key matches nothing under another", async () => {
    const machine = machineNamed("sata-desktop");
    const other = hashComponents("f".repeat(64), await collectComponents({ platform: "linux", root: machineRoot(machine) }));
    const report = checkBinding(trioBinding(machine), other);
    expect(report.matched).toEqual([]);
    expect(report.different.sort()).toEqual([...machine.trio].sort());
  });

  test("only the named components are read", async () => {
    const hashed = await hashedOn(machineRoot(machineNamed("nvme-laptop")), ["mac"]);
    expect(Object.keys(hashed.components)).toEqual(["mac"]);
    expect(hashed.unavailable).toEqual({});
  });

  test("v1 is unchanged beside v2: the NVMe laptop still has no v1 disk serial", async () => {
    await expect(collectFingerprint({ platform: "linux", root: machineRoot(machineNamed("nvme-laptop")) })).rejects.toThrow(
      "cannot read disk_serial from /sys/block/nvme0n1/serial: not found",
    );
  });
});
