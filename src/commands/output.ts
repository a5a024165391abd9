// stdout is for results only (human lines or --json); logs go to stderr. With --json
// every command prints exactly one document, on failure too (spec 12.9).
import { writeStdout } from "../stdio.ts";

let printedJson = false;

export function printLine(text: string): void {
  writeStdout(`${text}\n`);
}

/** Prints a success document (`"ok": true` first); `rawFields` are spliced in as already-serialised JSON text (signed features). */
export function printJson(value: Record<string, unknown>, rawFields: Record<string, string> = {}): void {
  printedJson = true;
  const text = JSON.stringify({ ok: true, ...value });
  const extra = Object.entries(rawFields).map(([key, raw]) => `${JSON.stringify(key)}:${raw}`);
  printLine(extra.length === 0 ? text : `${text.slice(0, -1)},${extra.join(",")}}`);
}

/** True when the command line (before `--`) asks for --json. */
export function jsonRequested(argv: string[]): boolean {
  const split = argv.indexOf("--");
  return (split < 0 ? argv : argv.slice(0, split)).includes("--json");
}

/** The failure document, unless the command already printed its own. */
export function printJsonFailure(exitCode: number, error: string): void {
  if (printedJson) return;
  printedJson = true;
  printLine(JSON.stringify({ ok: false, exit_code: exitCode, error }));
}
