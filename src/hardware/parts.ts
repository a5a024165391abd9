// The three parts of the hardware fingerprint (spec 6), the one shape of a part
// that cannot be read (LicenseError, exit 65) and the text helpers every
// collector's parser shares. Pure: no I/O here.
import { LicenseError } from "../errors.ts";

export type PartName = "cpu_id" | "disk_serial" | "machine_id";

/** Where a part came from (a file path or a command) and its trimmed value. */
export interface PartInfo {
  source: string;
  value: string;
}

export type HardwareParts = Record<PartName, PartInfo>;

/** The one-line failure of spec 6: the part, the source tried, and why (kept apart for v2's reasons). */
export class PartReadError extends LicenseError {
  constructor(
    part: string,
    readonly source: string,
    readonly reason: string,
  ) {
    super(`cannot read ${part} from ${source}: ${reason}`);
    // Outside hardware/ it is just the licence failure it always was.
    this.name = "LicenseError";
  }
}

export function partError(part: PartName, source: string, reason: string): PartReadError {
  return new PartReadError(part, source, reason);
}

/** A value read from the system is only a part when something is left after trimming. */
export function partValue(part: PartName, source: string, raw: string | null, missing = "no value found"): PartInfo {
  const value = raw?.trim() ?? "";
  if (value === "") throw partError(part, source, raw === null ? missing : "empty value");
  return { source, value };
}

/** Lines of a file or a tool's output: a leading BOM dropped, CRLF, CR and LF all end a line. */
export function textLines(text: string): string[] {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
}

/**
 * The value of the first `Label: value` line whose label (text before the first
 * colon, trimmed) is exactly `label`; null when there is none. Serves both
 * /proc/cpuinfo (`Serial\t\t: …`) and `diskutil info` (`   Volume UUID:   …`).
 */
export function colonField(text: string, label: string): string | null {
  for (const line of textLines(text)) {
    const colon = line.indexOf(":");
    if (colon >= 0 && line.slice(0, colon).trim() === label) return line.slice(colon + 1).trim();
  }
  return null;
}

/**
 * Awaits every read, then fails with the first failing part in the order given,
 * so the part a message names does not depend on which command finished first.
 */
export async function allInOrder<T extends readonly unknown[] | []>(reads: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  for (const outcome of await Promise.allSettled(reads)) if (outcome.status === "rejected") throw outcome.reason;
  return Promise.all(reads);
}
