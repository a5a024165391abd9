// Spec 13.3's decision as a table: the environment rule first, then the count;
// unavailable components count as not matching; names only in the report.
import { describe, expect, test } from "bun:test";
import type { HashedComponents } from "../../src/hardware/collect-components.ts";
import type { ComponentName, Environment } from "../../src/hardware/components.ts";
import type { HardwareBinding } from "../../src/license/hardware-binding.ts";
import { bindingFailure, checkBinding, describeBinding } from "../../src/sentinel/binding-check.ts";

const H = (c: string) => c.repeat(64);
const binding = (minMatch: number, environments?: Environment[]): HardwareBinding => ({
  components: { machine_id: H("a"), disk_serial: H("b"), mac: H("c") },
  minMatch,
  socketId: "x",
  ...(environments ? { environments } : {}),
});

function machine(environment: Environment, hashes: Partial<Record<ComponentName, string>>): HashedComponents {
  const components = Object.fromEntries(Object.entries(hashes).map(([name, hash]) => [name, { hash, source: "s" }]));
  return { orgKey: "k", environment, components, unavailable: {} };
}

describe("checkBinding / bindingFailure", () => {
  const all = { machine_id: H("a"), disk_serial: H("b"), mac: H("c") };
  const cases: [string, HardwareBinding, HashedComponents, string | null][] = [
    ["all match", binding(2), machine("physical", all), null],
    ["one different", binding(2), machine("physical", { ...all, mac: H("d") }), null],
    ["one unavailable", binding(2), machine("physical", { machine_id: H("a"), disk_serial: H("b") }), null],
    [
      "two different",
      binding(2),
      machine("vm", { ...all, mac: H("d"), disk_serial: H("e") }),
      "hardware binding mismatch: 1 of 3 components match, 2 needed",
    ],
    ["nothing available", binding(1), machine("vm", {}), "hardware binding mismatch: 0 of 3 components match, 1 needed"],
    [
      "3 of 3 needed, one off",
      binding(3),
      machine("physical", { ...all, mac: H("d") }),
      "hardware binding mismatch: 2 of 3 components match, 3 needed",
    ],
    ["environment allowed", binding(2, ["physical", "vm"]), machine("vm", all), null],
    ["environment refused", binding(2, ["physical"]), machine("container", all), "this license does not allow running in a container"],
    [
      "the environment is judged before the count",
      binding(2, ["physical"]),
      machine("vm", {}),
      "this license does not allow running in a vm",
    ],
    [
      "a hash differing only in its last digit does not match",
      binding(3),
      machine("physical", { ...all, mac: `${H("c").slice(0, 63)}d` }),
      "hardware binding mismatch: 2 of 3 components match, 3 needed",
    ],
  ];
  test.each(cases)("%s", (_, b, m, message) => {
    const report = checkBinding(b, m);
    expect(bindingFailure(report)?.message ?? null).toBe(message);
    expect(report.ok).toBe(message === null);
    expect(bindingFailure(report)?.exitCode ?? 65).toBe(65);
  });

  test("the report sorts every named component into one list, and says it in words", () => {
    const report = checkBinding(binding(2, ["physical"]), machine("physical", { machine_id: H("a"), mac: H("f") }));
    expect(report).toEqual({
      matched: ["machine_id"],
      different: ["mac"],
      unavailable: ["disk_serial"],
      minMatch: 2,
      environment: "physical",
      environmentAllowed: true,
      ok: false,
    });
    expect(describeBinding(report)).toBe(
      "1 of 3 components match (2 needed); different: mac; unavailable: disk_serial; environment physical — this machine is refused",
    );
  });
});
