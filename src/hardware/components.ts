// The components of machine binding v2 (spec 13.1): their names, what a collector
// reports for each (a value and its source, or why it is unavailable), and the
// per-vendor hash. Pure: the collectors do the reading.
import { sha256Hex } from "../crypto/sha256.ts";

export const COMPONENT_NAMES = ["machine_id", "product_uuid", "board_serial", "cpu_serial", "disk_serial", "mac"] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export const ENVIRONMENTS = ["physical", "vm", "container"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A component read from the machine, or the plain-words reason it is not there. */
export type ComponentReading = { value: string; source: string } | { unavailable: string };

export type ComponentReadings = Partial<Record<ComponentName, ComponentReading>>;

export interface MachineComponents {
  environment: Environment;
  readings: ComponentReadings;
}

export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}

/** A trimmed, non-empty value is a component; anything else is unavailable, saying where we looked. */
export function componentReading(source: string, raw: string | null, missing = "no value"): ComponentReading {
  const value = raw?.trim() ?? "";
  if (value === "") return { unavailable: `${source}: ${raw === null ? missing : "empty"}` };
  return { value, source };
}

/** Spec 13.1: lowercase hex SHA-256 of "sentinel-hw-v2\n" + org key id + "\n" + name + "\n" + value. */
export function hashComponent(orgKeyId: string, name: ComponentName, value: string): string {
  return sha256Hex(`sentinel-hw-v2\n${orgKeyId}\n${name}\n${value}`);
}

/** `names` in the spec's order, each once; the default is all of them. */
export function wantedComponents(names: readonly ComponentName[] = COMPONENT_NAMES): ComponentName[] {
  return COMPONENT_NAMES.filter((name) => names.includes(name));
}
