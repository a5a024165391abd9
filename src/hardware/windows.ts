// The Windows collector (spec 6): ProcessorId, the first disk's SerialNumber and
// MachineGuid, each from one `powershell.exe -NoProfile -NonInteractive -Command`,
// found through the OS. Reads only; the commands run through the injectable CommandRunner.

import { describeError } from "../errors.ts";
import { type CommandRunner, runForPart } from "./command-runner.ts";
import { allInOrder, type HardwareParts, type PartInfo, type PartName, partError, partValue } from "./parts.ts";
import { parsePowershellValue } from "./windows-parsers.ts";
import { windowsSystemDirectory } from "./windows-system-dir.ts";

interface Query {
  source: string;
  expression: string;
}

export const WINDOWS_QUERIES: Record<PartName, Query> = {
  cpu_id: { source: "Win32_Processor ProcessorId", expression: "(Get-CimInstance Win32_Processor).ProcessorId" },
  disk_serial: {
    source: "Win32_DiskDrive Index=0 SerialNumber",
    expression: "(Get-CimInstance Win32_DiskDrive -Filter 'Index=0').SerialNumber",
  },
  machine_id: {
    source: "HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid",
    expression: "(Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography' -Name MachineGuid).MachineGuid",
  },
};

/** Windows PowerShell by absolute path under the directory the OS names (spec 12.5), so no PATH entry or variable answers. */
export function powershellPath(systemDirectory: () => string = windowsSystemDirectory): string {
  return `${systemDirectory()}\\WindowsPowerShell\\v1.0\\powershell.exe`;
}

/** 'Stop' turns a failed query into a non-zero exit instead of an empty answer. */
export function powershellArgv(expression: string, executable: string): string[] {
  return [executable, "-NoProfile", "-NonInteractive", "-Command", `$ErrorActionPreference = 'Stop'; ${expression}`];
}

/** How the Windows collectors run PowerShell: the runner, and where the system directory is. */
export interface WindowsTools {
  run: CommandRunner;
  systemDirectory: () => string;
}

async function queryPart(tools: WindowsTools, part: PartName): Promise<PartInfo> {
  const { source, expression } = WINDOWS_QUERIES[part];
  let executable: string;
  try {
    executable = powershellPath(tools.systemDirectory);
  } catch (error) {
    throw partError(part, source, describeError(error));
  }
  const output = await runForPart(tools.run, powershellArgv(expression, executable), part, source);
  return partValue(part, source, parsePowershellValue(output), "PowerShell printed no value");
}

export async function collectWindowsParts(tools: WindowsTools): Promise<HardwareParts> {
  const [cpu_id, disk_serial, machine_id] = await allInOrder([
    queryPart(tools, "cpu_id"),
    queryPart(tools, "disk_serial"),
    queryPart(tools, "machine_id"),
  ]);
  return { cpu_id, disk_serial, machine_id };
}

export function readWindowsMachineId(tools: WindowsTools): Promise<PartInfo> {
  return queryPart(tools, "machine_id");
}
