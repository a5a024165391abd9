// What a vendor's backend does with a customer's `sentinel fingerprint --json`
// (spec 13.3, 13.4): picks components, sets min_match, and builds the
// `hardware_binding` to sign. Test-side and dev-server tooling only.

/** The `v2` member of `fingerprint --json`. */
export interface FingerprintV2 {
  org_key: string;
  environment: string;
  components: Record<string, { hash: string; source: string }>;
  unavailable: Record<string, string>;
}

export interface BindingChoice {
  /** Components to bind; default: recommendedComponents(). */
  components?: string[];
  /** Default: one fewer than the components when there are three, else all of them. */
  minMatch?: number;
  environments?: string[];
}

/**
 * One component per part that fails on its own: the OS install, the boot disk, the
 * network card, then the board (product_uuid, board_serial or, on ARM boards,
 * cpu_serial: a mainboard swap changes them together, so at most one of them).
 */
const PREFERENCE: string[][] = [["machine_id"], ["disk_serial"], ["mac"], ["product_uuid", "board_serial", "cpu_serial"]];

export function recommendedComponents(v2: FingerprintV2): string[] {
  const chosen: string[] = [];
  for (const group of PREFERENCE) {
    const found = group.find((name) => v2.components[name] !== undefined);
    if (found && chosen.length < 3) chosen.push(found);
  }
  return chosen;
}

/** The `v2` document of `fingerprint --json` output, checked enough to build from. */
export function fingerprintV2(document: unknown): FingerprintV2 {
  const v2 = (document as { v2?: FingerprintV2 } | null)?.v2;
  if (!v2 || typeof v2.components !== "object" || v2.components === null) throw new Error("no v2 components in this fingerprint --json");
  return v2;
}

export function bindingFromFingerprint(document: unknown, choice: BindingChoice = {}): Record<string, unknown> {
  const v2 = fingerprintV2(document);
  const names = choice.components ?? recommendedComponents(v2);
  if (names.length === 0) throw new Error("the machine reported no components to bind to");
  const components: Record<string, string> = {};
  for (const name of names) {
    const component = v2.components[name];
    if (!component) throw new Error(`component ${name} is not available on this machine: ${v2.unavailable[name] ?? "not reported"}`);
    components[name] = component.hash;
  }
  const minMatch = choice.minMatch ?? (names.length >= 3 ? names.length - 1 : names.length);
  return { v: 2, components, min_match: minMatch, ...(choice.environments ? { environments: choice.environments } : {}) };
}
