// A second local Unix user for the socket attacks: created once if missing, and
// used to connect to a socket or plant a directory. Needs root (CI runs as root).

import { test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";
import { missingCommand, testNeeding } from "./system.ts";

export const OTHER_USER = "sentinel-test-other";
export const IS_ROOT = process.getuid?.() === 0;

// The IPC tests' client: prints the health answer, or "permission denied".
const CONNECT_SCRIPT = readFileSync(join(REPO_ROOT, "test/ipc/fixtures/connect.py"), "utf8");
// The system interpreter: a root-only pyenv shim would not run as another user.
export const PYTHON = ["/usr/bin/python3", "/usr/local/bin/python3"].find((candidate) => existsSync(candidate)) ?? "python3";
export const PYTHON_MISSING = missingCommand(PYTHON, "python3");

/** A test that acts as another user: needs root (else skipped) and python3 for the client (system.ts rule). */
export function testAsOtherUser(title: string, body: () => Promise<unknown>, timeout?: number): void {
  if (IS_ROOT) testNeeding(PYTHON_MISSING, title, body, timeout);
  else test.skip(`${title} [skipped: needs root]`, body);
}

export function ensureOtherUser(): void {
  if (Bun.spawnSync(["id", "-u", OTHER_USER], { stdout: "ignore", stderr: "ignore" }).exitCode === 0) return;
  const made = Bun.spawnSync(["useradd", "--system", "--no-create-home", OTHER_USER], { stderr: "pipe" });
  // Another test file may have created it at the same moment.
  if (made.exitCode !== 0 && Bun.spawnSync(["id", "-u", OTHER_USER]).exitCode !== 0) {
    throw new Error(`useradd ${OTHER_USER} failed: ${made.stderr.toString()}`);
  }
}

/** Runs `command` as `user` (null: as ourselves) from `/`; returns its trimmed stdout. */
export async function runAs(user: string | null, command: string[]): Promise<string> {
  const proc = Bun.spawn(user === null ? command : ["runuser", "-u", user, "--", ...command], {
    cwd: "/",
    stdout: "pipe",
    stderr: "inherit",
  });
  const [output] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return output.trim();
}

/** Connects to the socket at `path` as `user` and asks for health. */
export const connectAs = (user: string | null, path: string) => runAs(user, [PYTHON, "-c", CONNECT_SCRIPT, path]);
