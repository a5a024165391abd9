// stdout is for results only (human lines or --json); logs go to stderr.
import { writeStdout } from "../stdio.ts";

export function printLine(text: string): void {
  writeStdout(`${text}\n`);
}

/** Prints JSON; `rawFields` are spliced in as already-serialised JSON text (signed features). */
export function printJson(value: Record<string, unknown>, rawFields: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  const extra = Object.entries(rawFields).map(([key, raw]) => `${JSON.stringify(key)}:${raw}`);
  printLine(extra.length === 0 ? text : `${text.slice(0, -1)}${text.length > 2 ? "," : ""}${extra.join(",")}}`);
}
