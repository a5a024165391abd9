import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../src/errors.ts";
import { launchSoftware } from "../../src/process/child.ts";
import { waitFor } from "../support/wait-for.ts";
import { HARNESS_SOCKET } from "./fixtures/launch-harness.ts";

const FIXTURES = join(import.meta.dir, "fixtures");
const fixture = (name: string) => join(FIXTURES, name);
const dir = mkdtempSync(join(tmpdir(), "sentinel-child-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("launchSoftware: exit status", () => {
  test.each([0, 3, 42])("a child that exits %p gives %p", async (code) => {
    const child = await launchSoftware({ path: fixture("exit-with.sh"), args: [String(code)], env: {} });
    expect(child.pid).toBeGreaterThan(0);
    expect(await child.exited).toBe(code);
  });

  test("a child killed by SIGKILL gives 137", async () => {
    const child = await launchSoftware({ path: fixture("kill-self.sh"), args: [], env: {} });
    expect(await child.exited).toBe(137);
  });

  test("a program that cannot be started is a usage error", async () => {
    await expect(launchSoftware({ path: join(dir, "missing"), args: [], env: {} })).rejects.toThrow(UsageError);
  });
});

describe("launchSoftware: stop", () => {
  test("SIGTERM ends a child that keeps the default action: 143", async () => {
    const child = await launchSoftware({ path: fixture("sleep.sh"), args: [], env: {} });
    expect(await child.stop(10_000)).toBe(143);
    expect(await child.exited).toBe(143);
  });

  test("a child that ignores SIGTERM is killed after the timeout: 137", async () => {
    const ready = join(dir, "ignore-term.ready");
    const child = await launchSoftware({ path: fixture("ignore-term.sh"), args: [ready], env: {} });
    await waitFor(() => existsSync(ready), "the child to ignore SIGTERM");
    expect(await child.stop(300)).toBe(137);
    expect(alive(child.pid)).toBe(false);
  });

  test("stop after the child exited returns its status; repeated stops agree", async () => {
    const child = await launchSoftware({ path: fixture("exit-with.sh"), args: ["5"], env: {} });
    expect(await child.exited).toBe(5);
    expect(await child.stop(100)).toBe(5);
    expect(await child.stop(100)).toBe(5);
  });

  test("two concurrent stops send one escalation and share the result", async () => {
    const child = await launchSoftware({ path: fixture("sleep.sh"), args: [], env: {} });
    const [a, b] = await Promise.all([child.stop(10_000), child.stop(10)]);
    expect(a).toBe(143);
    expect(b).toBe(143);
  });
});

describe("launchSoftware: what the child receives", () => {
  test("arguments verbatim, SENTINEL_IPC_SOCKET over the inherited one, stdin inherited", async () => {
    const report = mkdtempSync(join(dir, "report-"));
    const args = ["plain", "with space", "", "--", "--flag=value", "ünïcødé", "$HOME", "a\nb", "-"];
    const stdin = "first line\nsecond line ✓\n";
    const harness = Bun.spawn([process.execPath, fixture("launch-harness.ts"), fixture("report.sh"), ...args], {
      // A stale value in the sentinel's own environment must be replaced, not kept.
      env: { ...process.env, REPORT_DIR: report, SENTINEL_IPC_SOCKET: "/stale/value" },
      stdin: new TextEncoder().encode(stdin),
      stdout: "inherit",
      stderr: "inherit",
    });
    expect(await harness.exited).toBe(0);
    const received = readFileSync(join(report, "args"), "utf8").split("\0").slice(0, -1);
    expect(received).toEqual(args);
    expect(readFileSync(join(report, "env"), "utf8")).toBe(HARNESS_SOCKET);
    expect(readFileSync(join(report, "stdin"), "utf8")).toBe(stdin);
  });

  test("the child's status passes through the launcher", async () => {
    const harness = Bun.spawn([process.execPath, fixture("launch-harness.ts"), fixture("exit-with.sh"), "7"], {
      stdout: "inherit",
      stderr: "inherit",
    });
    expect(await harness.exited).toBe(7);
  });
});
