// v2 components on macOS (spec 13.1, 13.2): ioreg, diskutil, networksetup and sysctl,
// each by absolute path (spec 12.5), each run only when a named component needs it.
// A tool that fails makes its components unavailable, never the whole collection.
import { type CommandRunner, runTool } from "./command-runner.ts";
import { type ComponentName, type ComponentReading, type ComponentReadings, componentReading } from "./components.ts";
import { DISKUTIL_ARGV, IOREG_ARGV } from "./darwin.ts";
import { parseIoregProperty } from "./darwin-parsers.ts";
import { darwinEnvironment } from "./environment.ts";
import { colonField } from "./parts.ts";

export const NETWORKSETUP_ARGV = ["/usr/sbin/networksetup", "-getmacaddress", "en0"] as const;
export const SYSCTL_ARGV = ["/usr/sbin/sysctl", "-n", "kern.hv_vmm_present"] as const;

/** `Ethernet Address: a4:83:e7:12:34:56 (Device: en0)` → the address, lowercase; null for `N/A` or no such line. */
export function parseNetworksetupMac(text: string): string | null {
  const match = /Ethernet Address:\s*([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})\b/.exec(text);
  return match?.[1] ? match[1].toLowerCase() : null;
}

type Reader = { argv: readonly string[]; source: string; parse: (stdout: string) => string | null };

const READERS: Partial<Record<ComponentName, Reader>> = {
  machine_id: { argv: IOREG_ARGV, source: "ioreg IOPlatformUUID", parse: (out) => parseIoregProperty(out, "IOPlatformUUID") },
  board_serial: {
    argv: IOREG_ARGV,
    source: "ioreg IOPlatformSerialNumber",
    parse: (out) => parseIoregProperty(out, "IOPlatformSerialNumber"),
  },
  disk_serial: { argv: DISKUTIL_ARGV, source: "diskutil info / Volume UUID", parse: (out) => colonField(out, "Volume UUID") },
  mac: { argv: NETWORKSETUP_ARGV, source: "networksetup -getmacaddress en0", parse: parseNetworksetupMac },
};

export async function collectDarwinComponents(run: CommandRunner, names: readonly ComponentName[]) {
  // One run per tool, shared by the components it answers (ioreg gives two).
  const runs = new Map<string, ReturnType<typeof runTool>>();
  const once = (argv: readonly string[]) => {
    const key = argv.join(" ");
    if (!runs.has(key)) runs.set(key, runTool(run, argv));
    return runs.get(key) as ReturnType<typeof runTool>;
  };
  const readings: ComponentReadings = {};
  const read = async (name: ComponentName): Promise<ComponentReading> => {
    const reader = READERS[name];
    if (!reader) return { unavailable: "not collected on macOS" };
    const outcome = await once(reader.argv);
    if ("failure" in outcome) return { unavailable: `${reader.source}: ${outcome.failure}` };
    return componentReading(reader.source, reader.parse(outcome.stdout), "not in the tool's output");
  };
  const [sysctl, ...values] = await Promise.all([once(SYSCTL_ARGV), ...names.map(read)]);
  names.forEach((name, i) => {
    readings[name] = values[i] as ComponentReading;
  });
  return { readings, environment: darwinEnvironment("stdout" in sysctl ? sysctl.stdout : null) };
}
