import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { guardMemory } from "../../src/keystore/memory-guard.ts";

const FIXTURE = join(import.meta.dir, "fixtures", "guard-memory.ts");

describe.skipIf(process.platform !== "linux")("memory guard on Linux (in a child, since it changes the process)", () => {
  test("core dumps off, not dumpable, key pages locked; each step reported", async () => {
    const child = Bun.spawn([process.execPath, FIXTURE], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(child.stdout).text();
    expect(await child.exited).toBe(0);
    const seen = JSON.parse(out);
    expect(seen.report).toEqual({
      applied: [
        "core dumps disabled (RLIMIT_CORE soft limit 0)",
        "process not dumpable: no core file, no same-user ptrace (PR_SET_DUMPABLE 0)",
        "machine key pages locked in RAM, never swapped (mlock)",
      ],
      skipped: [],
    });
    expect(seen.dumpable).toBe(0);
    expect(seen.after.core[0]).toBe("0");
    expect(seen.shell).toBe("0"); // inherited by children
    // The hard limit stays, so the licensed software may raise its own soft limit again.
    expect(seen.after.core[1]).toBe(seen.before.core[1]);
    expect(seen.after.locked).toBeGreaterThan(seen.before.locked);
  });
});

describe("memory guard without a reachable libc", () => {
  test("never throws; reports every step as skipped with the reason", () => {
    const report = guardMemory(new Uint8Array(32), ["/nonexistent/libc.so.6"]);
    expect(report.applied).toEqual([]);
    expect(report.skipped).toHaveLength(3);
    expect(report.skipped[0]).toBe("core dumps disabled (RLIMIT_CORE soft limit 0): getrlimit not found in /nonexistent/libc.so.6");
  });
});
