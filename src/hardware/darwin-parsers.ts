// Pure parsers of the macOS tools the fingerprint reads: `ioreg -rd1 -c
// IOPlatformExpertDevice` and `diskutil info /`. Text in, value or null out.
import { colonField, textLines } from "./parts.ts";

const IOREG_STRING_PROPERTY = /^\s*"([^"]*)"\s*=\s*"([^"]*)"\s*$/;

/** A string property (`"Key" = "value"`) of the device ioreg printed; the key must match exactly. */
export function parseIoregProperty(text: string, key: string): string | null {
  for (const line of textLines(text)) {
    const match = IOREG_STRING_PROPERTY.exec(line);
    if (match && match[1] === key && match[2] !== undefined) return match[2];
  }
  return null;
}

export const DISKUTIL_LABELS = ["Volume UUID", "Disk / Partition UUID"] as const;

/** `Volume UUID`, else `Disk / Partition UUID`: the first of them with a value, and which it was. */
export function parseDiskutilUuid(text: string): { label: (typeof DISKUTIL_LABELS)[number]; value: string } | null {
  for (const label of DISKUTIL_LABELS) {
    const value = colonField(text, label);
    if (value) return { label, value };
  }
  return null;
}
