// The hardware fingerprint (spec 6): picks the platform's collector and hashes
// its three parts. The public API of hardware/; commands and the HARDWARE_BOUND
// flow call this, never the collectors directly.
import { sha256Hex } from "../crypto/sha256.ts";
import { LicenseError } from "../errors.ts";
import { type CommandRunner, runCommand } from "./command-runner.ts";
import { collectDarwinParts, readDarwinMachineId } from "./darwin.ts";
import { collectLinuxParts, hardwareRoot, readLinuxMachineId } from "./linux.ts";
import type { HardwareParts, PartInfo } from "./parts.ts";
import { collectWindowsParts, readWindowsMachineId, type WindowsTools } from "./windows.ts";
import { windowsSystemDirectory } from "./windows-system-dir.ts";

export type { CommandResult, CommandRunner } from "./command-runner.ts";
export type { PartInfo } from "./parts.ts";

export interface Fingerprint {
  fingerprint: string;
  parts: HardwareParts;
}

export interface CollectOptions {
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Linux: the root every path is read under; defaults to hardwareRoot(). */
  root?: string;
  /** macOS and Windows: how ioreg, diskutil and powershell.exe are run. */
  run?: CommandRunner;
  /** Windows: where the system's tools are; defaults to asking kernel32 (spec 12.5). */
  systemDirectory?: () => string;
}

/** The Windows collectors' tools, as the options give them or the system's own. */
export function windowsTools(options: CollectOptions): WindowsTools {
  return { run: options.run ?? runCommand, systemDirectory: options.systemDirectory ?? windowsSystemDirectory };
}

/** Lowercase hex SHA-256 of the three trimmed parts, concatenated as the Go client does. */
export function computeFingerprint(cpuId: string, diskSerial: string, machineId: string): string {
  return sha256Hex(cpuId.trim() + diskSerial.trim() + machineId.trim());
}

export function unsupported(platform: string): LicenseError {
  return new LicenseError(`hardware fingerprint is not supported on ${platform}`);
}

async function collectParts(options: CollectOptions): Promise<HardwareParts> {
  const platform = options.platform ?? process.platform;
  if (platform === "linux") return collectLinuxParts(options.root ?? hardwareRoot());
  if (platform === "darwin") return collectDarwinParts(options.run ?? runCommand);
  if (platform === "win32") return collectWindowsParts(windowsTools(options));
  throw unsupported(platform);
}

/** Collects the parts and hashes them; a part that cannot be read is a LicenseError (exit 65) naming it. */
export async function collectFingerprint(options: CollectOptions = {}): Promise<Fingerprint> {
  const parts = await collectParts(options);
  return { fingerprint: computeFingerprint(parts.cpu_id.value, parts.disk_serial.value, parts.machine_id.value), parts };
}

/**
 * The OS machine id alone (Linux /etc/machine-id, macOS IOPlatformUUID, Windows
 * MachineGuid): the file keystore's vault-key input (spec 5.2). Fails as
 * collectFingerprint does; a caller with another exit code in mind rewraps it.
 */
export async function readOsMachineId(options: CollectOptions = {}): Promise<PartInfo> {
  const platform = options.platform ?? process.platform;
  if (platform === "linux") return readLinuxMachineId(options.root ?? hardwareRoot());
  if (platform === "darwin") return readDarwinMachineId(options.run ?? runCommand);
  if (platform === "win32") return readWindowsMachineId(windowsTools(options));
  throw unsupported(platform);
}
