// The Linux collector (spec 6): cpu_id, disk_serial and machine_id read from files
// under a root. Runs no subprocess (no findmnt, no lsblk) and writes nothing.
import { posix } from "node:path";
import { TEST_BUILD } from "../build-info.ts";
import { quoted } from "../text/quote.ts";
import { describeReadFailure, pathKind, readPartFile, readUnderRoot, resolveLinkUnderRoot } from "./linux-files.ts";
import { findRootMount } from "./mountinfo.ts";
import { colonField, type HardwareParts, type PartInfo, partError, partValue } from "./parts.ts";

const PRODUCT_UUID = "/sys/class/dmi/id/product_uuid";
const CPUINFO = "/proc/cpuinfo";
const MACHINE_ID = "/etc/machine-id";
const MOUNTINFO = "/proc/self/mountinfo";

/** A kernel block device name: nothing that could climb out of /sys/class/block. */
const DEVICE_NAME = /^(?!\.\.?$)[A-Za-z0-9._:+-]+$/;

/** The root every Linux path is read under; SENTINEL_HW_ROOT exists only in test builds. */
export function hardwareRoot(): string {
  return (TEST_BUILD ? process.env.SENTINEL_HW_ROOT : undefined) ?? "/";
}

/** product_uuid; when it is absent or empty (ARM boards), the Serial line of /proc/cpuinfo. */
export function readLinuxCpuId(root: string): PartInfo {
  const uuid = readUnderRoot(root, PRODUCT_UUID);
  if (uuid.ok && uuid.text.trim() !== "") return { source: PRODUCT_UUID, value: uuid.text.trim() };
  // Only absence falls through: a product_uuid we may not read is reported, never replaced.
  if (!uuid.ok && uuid.code !== "ENOENT") {
    throw partError("cpu_id", PRODUCT_UUID, describeReadFailure(uuid.code, "root-only on most systems"));
  }
  const cpuinfo = readPartFile(root, "cpu_id", CPUINFO);
  const why = `${PRODUCT_UUID} is ${uuid.ok ? "empty" : "absent"}`;
  return partValue("cpu_id", `${CPUINFO} Serial`, colonField(cpuinfo, "Serial"), `no Serial line and ${why}`);
}

export function readLinuxMachineId(root: string): PartInfo {
  return partValue("machine_id", MACHINE_ID, readPartFile(root, "machine_id", MACHINE_ID));
}

/**
 * The disk holding a block device: /sys/class/block/<name> resolves into the
 * device tree; a partition's directory (it has a `partition` file) sits inside
 * its disk's, a whole disk is its own disk.
 */
export function diskOfBlockDevice(root: string, name: string): string {
  const link = `/sys/class/block/${name}`;
  const target = resolveLinkUnderRoot(root, "disk_serial", link);
  if (!target.startsWith("/sys/")) throw partError("disk_serial", link, `points outside /sys: ${quoted(target)}`);
  if (pathKind(root, target) !== "directory") throw partError("disk_serial", link, `points to a missing device ${quoted(target)}`);
  const isPartition = pathKind(root, posix.join(target, "partition")) !== "missing";
  const disk = posix.basename(isPartition ? posix.dirname(target) : target);
  if (!DEVICE_NAME.test(disk)) throw partError("disk_serial", link, `resolves to no disk: ${quoted(target)}`);
  return disk;
}

/** The disk holding "/", found through mountinfo and sysfs (spec 6; v2's disk_serial starts here too). */
export function rootDisk(root: string): string {
  const mount = findRootMount(readPartFile(root, "disk_serial", MOUNTINFO));
  if (!mount) throw partError("disk_serial", MOUNTINFO, "nothing is mounted at /");
  if (!mount.source.startsWith("/dev/")) {
    throw partError(
      "disk_serial",
      MOUNTINFO,
      `the / mount source ${quoted(mount.source)} (type ${quoted(mount.fstype)}) is not a block device`,
    );
  }
  const name = mount.source.slice("/dev/".length);
  if (!DEVICE_NAME.test(name)) {
    throw partError("disk_serial", "/sys/class/block", `no entry for the / mount source ${quoted(mount.source)}`);
  }
  return diskOfBlockDevice(root, name);
}

/** The serial of the disk holding "/". */
export function readLinuxDiskSerial(root: string): PartInfo {
  const source = `/sys/block/${rootDisk(root)}/serial`;
  return partValue("disk_serial", source, readPartFile(root, "disk_serial", source));
}

export function collectLinuxParts(root: string): HardwareParts {
  return { cpu_id: readLinuxCpuId(root), disk_serial: readLinuxDiskSerial(root), machine_id: readLinuxMachineId(root) };
}
