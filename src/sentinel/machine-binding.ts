// A HARDWARE_BOUND licence judged on this machine: for v2 only the components the
// licence names are read (spec 13.3), hashed with the embedded org key's id, then checked.
import { equalsConstantTime } from "../crypto/sha256.ts";
import { describeError } from "../errors.ts";
import { type ComponentsOptions, collectHashedComponents } from "../hardware/collect-components.ts";
import type { ComponentName } from "../hardware/components.ts";
import { collectFingerprint } from "../hardware/fingerprint.ts";
import type { HardwareBinding } from "../license/hardware-binding.ts";
import type { License } from "../license/validate.ts";
import { type BindingReport, checkBinding, describeBinding } from "./binding-check.ts";

export async function checkThisMachine(
  binding: HardwareBinding,
  orgKeyId: string,
  options: ComponentsOptions = {},
): Promise<BindingReport> {
  const names = Object.keys(binding.components) as ComponentName[];
  return checkBinding(binding, await collectHashedComponents(orgKeyId, { ...options, names }));
}

/** `verify`'s answer to "would this licence run here?" (spec 13.4): for --json and in words; names only. */
export interface MachineFit {
  json: Record<string, unknown>;
  words: string;
}

export function bindingJson(report: BindingReport): Record<string, unknown> {
  const { matched, different, unavailable, minMatch, environment, ok } = report;
  return { matched, different, unavailable, min_match: minMatch, environment, ok };
}

/** A HARDWARE_BOUND licence judged on this machine: v2 as spec 13.4 reports it, v1 as match or not. */
export async function machineFit(license: License, orgKeyId: string): Promise<MachineFit | null> {
  if (license.licenseType !== "HARDWARE_BOUND") return null;
  if (license.hardwareBinding) {
    const report = await checkThisMachine(license.hardwareBinding, orgKeyId);
    return { json: bindingJson(report), words: describeBinding(report) };
  }
  const expected = license.hardwareFingerprint;
  return collectFingerprint().then(
    ({ fingerprint }) => {
      const ok = equalsConstantTime(fingerprint, expected);
      return {
        json: { fingerprint: ok ? "match" : "different", ok },
        words: `fingerprint ${ok ? "matches this machine" : "differs from this machine's"}`,
      };
    },
    (error: unknown) => ({
      json: { fingerprint: "unavailable", error: describeError(error), ok: false },
      words: `fingerprint unavailable: ${describeError(error)}`,
    }),
  );
}
