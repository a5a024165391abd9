import { describe, expect, test } from "bun:test";
import { exitStatus } from "../../src/process/exit-status.ts";

describe("exitStatus", () => {
  test.each([
    [0, null, 0],
    [3, null, 3],
    [255, null, 255],
    [null, "SIGKILL", 137],
    [null, "SIGTERM", 143],
    [null, "SIGINT", 130],
    [null, "SIGSEGV", 139],
    [null, 9, 137],
    [null, "SIGNOTREAL", 1],
    [null, null, 1],
  ] as const)("code %p, signal %p → %p", (code, signal, status) => {
    expect(exitStatus(code, signal)).toBe(status);
  });
});
