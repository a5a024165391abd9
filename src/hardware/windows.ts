// The Windows collector (spec 6): ProcessorId, the first disk's SerialNumber and
// MachineGuid, each from one `powershell.exe -NoProfile -NonInteractive -Command`.
// Reads only; the commands run through the injectable CommandRunner.
import { type CommandRunner, runForPart } from "./command-runner.ts";
import { allInOrder, type HardwareParts, type PartInfo, type PartName, partValue } from "./parts.ts";
import { parsePowershellValue } from "./windows-parsers.ts";

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

/** Windows PowerShell by absolute path, so a powershell.exe earlier on PATH cannot answer. */
export function powershellPath(env: Record<string, string | undefined> = process.env): string {
  return `${env.SystemRoot ?? "C:\\Windows"}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
}

/** 'Stop' turns a failed query into a non-zero exit instead of an empty answer. */
export function powershellArgv(expression: string, executable = powershellPath()): string[] {
  return [executable, "-NoProfile", "-NonInteractive", "-Command", `$ErrorActionPreference = 'Stop'; ${expression}`];
}

async function queryPart(run: CommandRunner, part: PartName): Promise<PartInfo> {
  const { source, expression } = WINDOWS_QUERIES[part];
  const output = await runForPart(run, powershellArgv(expression), part, source);
  return partValue(part, source, parsePowershellValue(output), "PowerShell printed no value");
}

export async function collectWindowsParts(run: CommandRunner): Promise<HardwareParts> {
  const [cpu_id, disk_serial, machine_id] = await allInOrder([
    queryPart(run, "cpu_id"),
    queryPart(run, "disk_serial"),
    queryPart(run, "machine_id"),
  ]);
  return { cpu_id, disk_serial, machine_id };
}

export function readWindowsMachineId(run: CommandRunner): Promise<PartInfo> {
  return queryPart(run, "machine_id");
}
