// Drives the compiled test build as a long-running process: start it, poll
// for conditions with a deadline (never fixed sleeps), signal it, collect output.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testBinary } from "./binary.ts";
import { REPO_ROOT } from "./paths.ts";

export const SOFTWARE = join(REPO_ROOT, "test/e2e/fixtures/software.sh");

/** `run` arguments for `license`, the fixture software reporting to `report` and behaving as `software` says. */
export function fixtureRunArgs(license: string, report: string, software: string[] = ["exit", "0"], extra: string[] = []): string[] {
  return ["run", "--license", license, ...extra, "--software", SOFTWARE, "--", report, ...software];
}

export interface SentinelProcess {
  proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  exited: Promise<number>;
  stdout(): string;
  stderr(): string;
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
}

/** A fresh private runtime dir and a report path for one test run. */
export function workspace(): { dir: string; runtimeDir: string; report: string } {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-e2e-"));
  const runtimeDir = join(dir, "run");
  mkdirSync(runtimeDir, { mode: 0o700 });
  return { dir, runtimeDir, report: join(dir, "report.json") };
}

export async function startSentinel(
  args: string[],
  env: Record<string, string | undefined> = {},
  wrapper: string[] = [],
): Promise<SentinelProcess> {
  const out: string[] = [];
  const err: string[] = [];
  const proc = Bun.spawn([...wrapper, await testBinary(), ...args], {
    env: { ...process.env, NO_COLOR: "1", SENTINEL_TEST_BUN: process.execPath, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const streams = Promise.all([collect(proc.stdout, out), collect(proc.stderr, err)]);
  const exited = proc.exited.then(async (code) => {
    await streams;
    return code;
  });
  return { proc, exited, stdout: () => out.join(""), stderr: () => err.join("") };
}

// bench/ imports waitFor from here.
export { waitFor } from "./wait-for.ts";

export interface SoftwareReport {
  pid: number;
  socket: string;
  args: string[];
  answers: Array<Record<string, unknown>>;
  latestStatus?: Record<string, unknown>;
}

export function readReport(path: string): SoftwareReport | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as SoftwareReport) : undefined;
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}
