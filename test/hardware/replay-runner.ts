// A CommandRunner that answers from captured output (test/hardware/fixtures), so
// the macOS and Windows collectors run here unchanged; it records what was asked.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandResult, CommandRunner } from "../../src/hardware/command-runner.ts";

export function fixture(name: string): string {
  return readFileSync(join(import.meta.dir, "fixtures", name), "utf8");
}

export function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: "" };
}

/** Answers keyed by a substring of the joined argv; an Error answer is thrown as the spawn failure. */
export function replayRunner(answers: [match: string, answer: CommandResult | Error][]): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (argv: readonly string[]) => {
    calls.push([...argv]);
    const joined = argv.join(" ");
    const found = answers.find(([match]) => joined.includes(match));
    if (!found) throw new Error(`replay runner: nothing captured for ${joined}`);
    if (found[1] instanceof Error) throw found[1];
    return found[1];
  };
  return Object.assign(run, { calls });
}

/** The fingerprint computed independently of src/ (node:crypto), from already-trimmed parts. */
export function referenceFingerprint(cpuId: string, diskSerial: string, machineId: string): string {
  return createHash("sha256")
    .update(cpuId + diskSerial + machineId)
    .digest("hex");
}

export function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, posix_spawn '${path}'`), { code: "ENOENT" });
}

/** Windows collectors on captured output: the system directory as kernel32 reports it on a stock install. */
export const WINDOWS = { platform: "win32" as const, systemDirectory: () => "C:\\Windows\\System32" };
