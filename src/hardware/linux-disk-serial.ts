// v2's disk_serial on Linux (spec 13.1): the disk holding "/" (as v1 finds it),
// then the first non-empty of four sources, since most SATA and NVMe disks keep
// their serial somewhere other than /sys/block/<d>/serial. Files only.

import { type ComponentReading, componentReading } from "./components.ts";
import { rootDisk } from "./linux.ts";
import { readBytesUnderRoot, readUnderRoot } from "./linux-files.ts";
import { PartReadError, textLines } from "./parts.ts";

const UDEV_SERIAL = "E:ID_SERIAL_SHORT=";

/** SCSI INQUIRY page 0x80 (unit serial number): the ASCII serial from offset 4; null when the page is not that. */
export function parseVpdPage80(bytes: Uint8Array): string | null {
  if (bytes.length <= 4 || bytes[1] !== 0x80) return null;
  const length = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const serial = bytes.subarray(4, Math.min(bytes.length, 4 + length));
  // Padding NULs and spaces are common; anything else outside printable ASCII is not a serial.
  const text = new TextDecoder("latin1").decode(serial).replace(/\0+$/, "");
  return /^[\x20-\x7e]*$/.test(text) ? text : null;
}

/** The `E:ID_SERIAL_SHORT=` property of a udev database entry, or null. */
export function parseUdevSerial(text: string): string | null {
  const line = textLines(text).find((entry) => entry.startsWith(UDEV_SERIAL));
  return line === undefined ? null : line.slice(UDEV_SERIAL.length);
}

function fileSource(root: string, path: string): string | null {
  const read = readUnderRoot(root, path);
  return read.ok ? read.text : null;
}

function vpdSource(root: string, path: string): string | null {
  const read = readBytesUnderRoot(root, path);
  return read.ok ? parseVpdPage80(read.bytes) : null;
}

/** udev's database entry is named by the disk's major:minor, read from sysfs. */
function udevSource(root: string, disk: string): { path: string; raw: string | null } {
  const dev = readUnderRoot(root, `/sys/block/${disk}/dev`);
  const number = dev.ok ? dev.text.trim() : "";
  if (!/^\d{1,10}:\d{1,10}$/.test(number)) return { path: `/sys/block/${disk}/dev`, raw: null };
  const path = `/run/udev/data/b${number}`;
  return { path, raw: fileSource(root, path) };
}

export function readLinuxDiskSerialV2(root: string): ComponentReading {
  let disk: string;
  try {
    disk = rootDisk(root);
  } catch (error) {
    if (error instanceof PartReadError) return { unavailable: `${error.source}: ${error.reason}` };
    throw error;
  }
  const base = `/sys/block/${disk}`;
  const tried: string[] = [];
  const sources: [string, () => string | null][] = [
    [`${base}/serial`, () => fileSource(root, `${base}/serial`)],
    [`${base}/device/serial`, () => fileSource(root, `${base}/device/serial`)],
    [`${base}/device/vpd_pg80`, () => vpdSource(root, `${base}/device/vpd_pg80`)],
  ];
  for (const [source, read] of sources) {
    const found = componentReading(source, read());
    if ("value" in found) return found;
    tried.push(source);
  }
  const udev = udevSource(root, disk);
  const found = componentReading(`${udev.path} ID_SERIAL_SHORT`, udev.raw === null ? null : parseUdevSerial(udev.raw));
  if ("value" in found) return found;
  return { unavailable: `no serial for ${disk} in ${[...tried, udev.path].join(", ")}` };
}
