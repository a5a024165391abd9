// The macOS collector (spec 6): cpu_id and machine_id from ioreg, disk_serial from
// diskutil, both run through the injectable CommandRunner. Reads only.
import { type CommandRunner, runForPart } from "./command-runner.ts";
import { parseDiskutilUuid, parseIoregProperty } from "./darwin-parsers.ts";
import { allInOrder, type HardwareParts, type PartInfo, type PartName, partError, partValue } from "./parts.ts";

// Absolute paths: a PATH entry of the user's must not answer for the machine.
export const IOREG_ARGV = ["/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice"] as const;
export const DISKUTIL_ARGV = ["/usr/sbin/diskutil", "info", "/"] as const;

const IOREG_KEYS = { cpu_id: "IOPlatformSerialNumber", machine_id: "IOPlatformUUID" } as const;

function ioregSource(part: keyof typeof IOREG_KEYS): string {
  return `ioreg ${IOREG_KEYS[part]}`;
}

function ioregPart(output: string, part: keyof typeof IOREG_KEYS): PartInfo {
  const key = IOREG_KEYS[part];
  return partValue(part, ioregSource(part), parseIoregProperty(output, key), `no ${key} in the output of ${IOREG_ARGV.join(" ")}`);
}

function diskutilPart(output: string): PartInfo {
  const found = parseDiskutilUuid(output);
  if (!found) throw partError("disk_serial", "diskutil info /", "no Volume UUID or Disk / Partition UUID in its output");
  return { source: `diskutil info / ${found.label}`, value: found.value };
}

function runIoreg(run: CommandRunner, part: PartName & keyof typeof IOREG_KEYS): Promise<string> {
  return runForPart(run, IOREG_ARGV, part, ioregSource(part));
}

export async function collectDarwinParts(run: CommandRunner): Promise<HardwareParts> {
  const [ioreg, diskutil] = await allInOrder([runIoreg(run, "cpu_id"), runForPart(run, DISKUTIL_ARGV, "disk_serial", "diskutil info /")]);
  return { cpu_id: ioregPart(ioreg, "cpu_id"), disk_serial: diskutilPart(diskutil), machine_id: ioregPart(ioreg, "machine_id") };
}

export async function readDarwinMachineId(run: CommandRunner): Promise<PartInfo> {
  return ioregPart(await runIoreg(run, "machine_id"), "machine_id");
}
