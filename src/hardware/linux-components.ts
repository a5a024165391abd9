// v2 components on Linux (spec 13.1), read from files under a root (SENTINEL_HW_ROOT
// in test builds, "/" otherwise): no subprocess, nothing written. A component that
// cannot be read is reported unavailable with the reason, never thrown.
import { type ComponentName, type ComponentReading, type ComponentReadings, componentReading } from "./components.ts";
import { readLinuxDiskSerialV2 } from "./linux-disk-serial.ts";
import { describeReadFailure, listUnderRoot, pathKind, readUnderRoot } from "./linux-files.ts";
import { colonField } from "./parts.ts";

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

function fileComponent(root: string, path: string, permissionHint?: string): ComponentReading {
  const read = readUnderRoot(root, path);
  if (!read.ok) return { unavailable: `${path}: ${describeReadFailure(read.code, permissionHint)}` };
  return componentReading(path, read.text);
}

function cpuSerial(root: string): ComponentReading {
  const read = readUnderRoot(root, "/proc/cpuinfo");
  if (!read.ok) return { unavailable: `/proc/cpuinfo: ${describeReadFailure(read.code)}` };
  return componentReading("/proc/cpuinfo Serial", colonField(read.text, "Serial"), "no Serial line");
}

/** A burned-in address: six bytes, not all zero, without the locally administered bit (0x02 of the first byte). */
export function isPermanentMac(address: string): boolean {
  return MAC.test(address) && address !== "00:00:00:00:00:00" && (Number.parseInt(address.slice(0, 2), 16) & 0x02) === 0;
}

/** The lowest permanent address among interfaces backed by a device (bridges, veths, tunnels have none). */
function lowestPhysicalMac(root: string): ComponentReading {
  let best: { value: string; source: string } | null = null;
  for (const name of listUnderRoot(root, "/sys/class/net")) {
    if (pathKind(root, `/sys/class/net/${name}/device`) === "missing") continue;
    const source = `/sys/class/net/${name}/address`;
    const read = readUnderRoot(root, source);
    const address = read.ok ? read.text.trim().toLowerCase() : "";
    if (isPermanentMac(address) && (best === null || address < best.value)) best = { value: address, source };
  }
  return best ?? { unavailable: "/sys/class/net: no physical interface with a permanent address" };
}

const ROOT_ONLY = "root-only on most systems";

const READERS: Record<ComponentName, (root: string) => ComponentReading> = {
  machine_id: (root) => fileComponent(root, "/etc/machine-id"),
  product_uuid: (root) => fileComponent(root, "/sys/class/dmi/id/product_uuid", ROOT_ONLY),
  board_serial: (root) => fileComponent(root, "/sys/class/dmi/id/board_serial", ROOT_ONLY),
  cpu_serial: cpuSerial,
  disk_serial: readLinuxDiskSerialV2,
  mac: lowestPhysicalMac,
};

/** Reads the named components (only those) under `root`. */
export function collectLinuxComponents(root: string, names: readonly ComponentName[]): ComponentReadings {
  return Object.fromEntries(names.map((name) => [name, READERS[name](root)]));
}
