// Running the OS tools the macOS and Windows collectors read (ioreg, diskutil,
// powershell.exe): the only place in hardware/ that starts a process. Injectable,
// so collectors and parsers are tested on captured output.

import { errno } from "../errno.ts";
import { describeError } from "../errors.ts";
import { quoted } from "../text/quote.ts";
import { decodeUtf8Lossy } from "../text/utf8.ts";
import { type PartName, partError, textLines } from "./parts.ts";

export interface CommandResult {
  /** null when the process was ended by a signal (including the time limit). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

/** WMI and IOKit queries can hang on a sick machine; a fingerprint must not. */
export const COMMAND_TIMEOUT_MS = 30_000;

/** Tool output as text: UTF-16LE when it says so with a BOM, else UTF-8 (a UTF-8 BOM dropped). */
export function decodeCommandOutput(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  return decodeUtf8Lossy(bytes);
}

export function createCommandRunner(timeoutMs = COMMAND_TIMEOUT_MS): CommandRunner {
  return async (argv) => {
    const child = Bun.spawn([...argv], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      windowsHide: true,
    });
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).bytes(),
      new Response(child.stderr).bytes(),
      child.exited,
    ]);
    return {
      exitCode: child.signalCode === null ? exitCode : null,
      stdout: decodeCommandOutput(stdout),
      stderr: decodeCommandOutput(stderr),
    };
  };
}

export const runCommand: CommandRunner = createCommandRunner();

/** A tool's stdout when it ran and exited 0, else why not in plain words (no exception). */
export async function runTool(run: CommandRunner, argv: readonly string[]): Promise<{ stdout: string } | { failure: string }> {
  const tool = argv[0] ?? "";
  let result: CommandResult;
  try {
    result = await run(argv);
  } catch (error) {
    const missing = errno(error) === "ENOENT";
    return { failure: missing ? `${tool} not found` : `cannot run ${tool}: ${describeError(error)}` };
  }
  if (result.exitCode === 0) return { stdout: result.stdout };
  const status = result.exitCode === null ? "was stopped (no answer in time or killed)" : `exited with status ${result.exitCode}`;
  const detail = textLines(result.stderr).find((line) => line.trim() !== "");
  return { failure: `${tool} ${status}${detail === undefined ? "" : `: ${quoted(detail.trim())}`}` };
}

/** Runs a tool a part comes from; a tool that cannot start or fails becomes that part's error. */
export async function runForPart(run: CommandRunner, argv: readonly string[], part: PartName, source: string): Promise<string> {
  const outcome = await runTool(run, argv);
  if ("failure" in outcome) throw partError(part, source, outcome.failure);
  return outcome.stdout;
}
