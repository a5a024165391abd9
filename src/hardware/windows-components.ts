// v2 components on Windows (spec 13.1, 13.2): one powershell.exe run answers every
// named component and the machine's make and model, as JSON; each query fails on
// its own, so one refused WMI class leaves the others standing. Parsing is pure.
import { runTool } from "./command-runner.ts";
import { type ComponentName, type ComponentReading, type ComponentReadings, componentReading, type Environment } from "./components.ts";
import { windowsEnvironment } from "./environment.ts";
import { powershellArgv, powershellPath, type WindowsTools } from "./windows.ts";

interface Query {
  source: string;
  expression: string;
}

export const WINDOWS_COMPONENT_QUERIES: Record<ComponentName, Query> = {
  machine_id: {
    source: "HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid",
    expression: "(Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography' -Name MachineGuid).MachineGuid",
  },
  product_uuid: { source: "Win32_ComputerSystemProduct UUID", expression: "(Get-CimInstance Win32_ComputerSystemProduct).UUID" },
  board_serial: { source: "Win32_BaseBoard SerialNumber", expression: "(Get-CimInstance Win32_BaseBoard).SerialNumber" },
  cpu_serial: { source: "Win32_Processor ProcessorId", expression: "(Get-CimInstance Win32_Processor).ProcessorId" },
  disk_serial: {
    source: "Win32_DiskDrive Index=0 SerialNumber",
    expression: "(Get-CimInstance Win32_DiskDrive -Filter 'Index=0').SerialNumber",
  },
  mac: { source: "Get-NetAdapter -Physical MacAddress", expression: "(Get-NetAdapter -Physical).MacAddress" },
};

const COMPUTER_SYSTEM = "$c = Get-CimInstance Win32_ComputerSystem; $c.Manufacturer; $c.Model";

/** One script: each entry is a list of strings, or {error} when its query failed. */
export function windowsComponentsScript(names: readonly ComponentName[]): string {
  const entry = (key: string, expression: string) => `'${key}' = Q { ${expression} }`;
  const entries = [
    ...names.map((name) => entry(name, WINDOWS_COMPONENT_QUERIES[name].expression)),
    entry("computer_system", COMPUTER_SYSTEM),
  ];
  return [
    "function Q([scriptblock]$b) { try { ,@(& $b | ForEach-Object { [string]$_ }) } catch { @{ error = $_.Exception.Message } } }",
    `[ordered]@{ ${entries.join("; ")} } | ConvertTo-Json -Compress -Depth 3`,
  ].join("; ");
}

type Answer = { values: string[] } | { error: string };

/** One entry of the JSON: a string, a list of strings, null, or {error}; anything else is no answer. */
function answerOf(value: unknown): Answer {
  if (typeof value === "string") return { values: [value] };
  if (value === null || value === undefined) return { values: [] };
  if (Array.isArray(value)) return { values: value.filter((item): item is string => typeof item === "string") };
  const error = (value as { error?: unknown }).error;
  return { error: typeof error === "string" ? error : "an answer of the wrong shape" };
}

/** `00-1A-2B-3C-4D-5E` → `00:1a:2b:3c:4d:5e`; null when it is not six bytes or is all zero. */
export function normaliseWindowsMac(text: string): string | null {
  const mac = text.trim().toLowerCase().replaceAll("-", ":");
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && mac !== "00:00:00:00:00:00" ? mac : null;
}

function readingOf(name: ComponentName, answer: Answer): ComponentReading {
  const { source } = WINDOWS_COMPONENT_QUERIES[name];
  if ("error" in answer) return { unavailable: `${source}: ${answer.error.trim().split(/\r?\n/)[0]}` };
  if (name !== "mac") return componentReading(source, answer.values.find((value) => value.trim() !== "") ?? null);
  const macs = answer.values.map(normaliseWindowsMac).filter((mac): mac is string => mac !== null);
  return componentReading(source, macs.sort()[0] ?? null, "no physical adapter with an address");
}

/** The script's output, parsed: every named component read or unavailable, and the environment. */
export function parseWindowsComponents(stdout: string, names: readonly ComponentName[]) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.replace(/^\uFEFF/, ""));
  } catch {
    parsed = null;
  }
  const object = parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  const readings: ComponentReadings = {};
  for (const name of names) {
    readings[name] = object ? readingOf(name, answerOf(object[name])) : { unavailable: "PowerShell printed no JSON" };
  }
  const system = answerOf(object?.computer_system);
  const [manufacturer, model] = "values" in system ? system.values : [];
  return { readings, environment: windowsEnvironment(manufacturer ?? null, model ?? null) };
}

export async function collectWindowsComponents(tools: WindowsTools, names: readonly ComponentName[]) {
  const unavailableAll = (why: string): { readings: ComponentReadings; environment: Environment } => ({
    readings: Object.fromEntries(names.map((name) => [name, { unavailable: `${WINDOWS_COMPONENT_QUERIES[name].source}: ${why}` }])),
    environment: "physical",
  });
  let executable: string;
  try {
    executable = powershellPath(tools.systemDirectory);
  } catch (error) {
    return unavailableAll((error as Error).message);
  }
  const outcome = await runTool(tools.run, powershellArgv(windowsComponentsScript(names), executable));
  if ("failure" in outcome) return unavailableAll(outcome.failure);
  return parseWindowsComponents(outcome.stdout, names);
}
