// Spec 13.3's decision, pure: a v2 binding against the machine's hashed components.
// Every named component is compared (in constant time, none skipped); the
// environment rule is judged first. Names only ever leave here, never values.
import { equalsConstantTime } from "../crypto/sha256.ts";
import { LicenseError } from "../errors.ts";
import type { HashedComponents } from "../hardware/collect-components.ts";
import { COMPONENT_NAMES, type ComponentName, type Environment } from "../hardware/components.ts";
import type { HardwareBinding } from "../license/hardware-binding.ts";

export interface BindingReport {
  matched: ComponentName[];
  different: ComponentName[];
  unavailable: ComponentName[];
  minMatch: number;
  environment: Environment;
  /** The licence names no environments, or names this one. */
  environmentAllowed: boolean;
  ok: boolean;
}

export function checkBinding(binding: HardwareBinding, machine: HashedComponents): BindingReport {
  const report: BindingReport = {
    matched: [],
    different: [],
    unavailable: [],
    minMatch: binding.minMatch,
    environment: machine.environment,
    environmentAllowed: binding.environments?.includes(machine.environment) ?? true,
    ok: false,
  };
  // In the spec's order of components, whatever order the licence wrote them in.
  for (const name of COMPONENT_NAMES) {
    const expected = binding.components[name];
    if (expected === undefined) continue;
    const found = machine.components[name];
    if (found === undefined) report.unavailable.push(name);
    else if (equalsConstantTime(found.hash, expected)) report.matched.push(name);
    else report.different.push(name);
  }
  report.ok = report.environmentAllowed && report.matched.length >= binding.minMatch;
  return report;
}

/** The licence failure a report means (65), environment first; null when the machine is accepted. */
export function bindingFailure(report: BindingReport): LicenseError | null {
  if (!report.environmentAllowed) return new LicenseError(`this license does not allow running in a ${report.environment}`);
  if (report.ok) return null;
  const total = report.matched.length + report.different.length + report.unavailable.length;
  return new LicenseError(`hardware binding mismatch: ${report.matched.length} of ${total} components match, ${report.minMatch} needed`);
}

/** The report in words, for `verify` and the log: names only. */
export function describeBinding(report: BindingReport): string {
  const total = report.matched.length + report.different.length + report.unavailable.length;
  const parts = [`${report.matched.length} of ${total} components match (${report.minMatch} needed)`];
  if (report.different.length > 0) parts.push(`different: ${report.different.join(", ")}`);
  if (report.unavailable.length > 0) parts.push(`unavailable: ${report.unavailable.join(", ")}`);
  parts.push(`environment ${report.environment}${report.environmentAllowed ? "" : " (not allowed)"}`);
  return `${parts.join("; ")} — ${report.ok ? "this machine is accepted" : "this machine is refused"}`;
}
