// Machine binding v2's public face in hardware/ (spec 13.1, 13.2): picks the
// platform's component collector and environment, and hashes what was read with
// the vendor's org key id. Raw values stay in here; callers get names and hashes.

import { runCommand } from "./command-runner.ts";
import { type ComponentName, type Environment, hashComponent, type MachineComponents, wantedComponents } from "./components.ts";
import { collectDarwinComponents } from "./darwin-components.ts";
import { detectLinuxEnvironment } from "./environment.ts";
import { type CollectOptions, unsupported, windowsTools } from "./fingerprint.ts";
import { hardwareRoot } from "./linux.ts";
import { collectLinuxComponents } from "./linux-components.ts";
import { collectWindowsComponents } from "./windows-components.ts";

export interface ComponentsOptions extends CollectOptions {
  /** Only these components are read (spec 13.3); all of them by default. */
  names?: readonly ComponentName[];
}

/** What may leave the machine: per component its hash and source, or why it is unavailable. */
export interface HashedComponents {
  orgKey: string;
  environment: Environment;
  components: Partial<Record<ComponentName, { hash: string; source: string }>>;
  unavailable: Partial<Record<ComponentName, string>>;
}

/** Reads the named components and the environment; a component that cannot be read is unavailable, never an error. */
export async function collectComponents(options: ComponentsOptions = {}): Promise<MachineComponents> {
  const platform = options.platform ?? process.platform;
  const names = wantedComponents(options.names);
  if (platform === "linux") {
    const root = options.root ?? hardwareRoot();
    return { environment: detectLinuxEnvironment(root), readings: collectLinuxComponents(root, names) };
  }
  if (platform === "darwin") return collectDarwinComponents(options.run ?? runCommand, names);
  if (platform === "win32") return collectWindowsComponents(windowsTools(options), names);
  throw unsupported(platform);
}

export function hashComponents(orgKeyId: string, machine: MachineComponents): HashedComponents {
  const hashed: HashedComponents = { orgKey: orgKeyId, environment: machine.environment, components: {}, unavailable: {} };
  for (const [name, reading] of Object.entries(machine.readings) as [ComponentName, MachineComponents["readings"][ComponentName]][]) {
    if (reading === undefined) continue;
    if ("value" in reading) hashed.components[name] = { hash: hashComponent(orgKeyId, name, reading.value), source: reading.source };
    else hashed.unavailable[name] = reading.unavailable;
  }
  return hashed;
}

export async function collectHashedComponents(orgKeyId: string, options: ComponentsOptions = {}): Promise<HashedComponents> {
  return hashComponents(orgKeyId, await collectComponents(options));
}
