// Supervision in-process (spec 8.6, 8.7): expiry while running, stop reasons,
// one cleanup. The clock is injected; the child, socket and timers are real.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeniedError, Interrupted, UnavailableError } from "../../src/errors.ts";
import { Shutdown } from "../../src/sentinel/shutdown.ts";
import { type SuperviseOptions, superviseSoftware } from "../../src/sentinel/supervise.ts";
import { waitFor } from "../support/wait-for.ts";

const license = {
  licenseKey: "LK-1",
  licenseType: "STANDARD" as const,
  expiryDate: "2030-06-01",
  featuresJson: "{}",
  orgId: "o",
  softwareId: "s",
};
const status = () => ({ online: true, lastHeartbeatSuccess: null, graceRemainingSeconds: 0, graceExhausted: false });
const endOfExpiryDay = Date.parse("2030-06-02T00:00:00Z");
/** A wall clock that runs from `start` as the real one does. */
const clockFrom = (start: number) => {
  const offset = start - Date.now();
  return () => Date.now() + offset;
};
let socketDir: string;
const runtimeDirBefore = process.env.XDG_RUNTIME_DIR;

beforeAll(() => {
  process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), "sentinel-supervise-"));
  socketDir = join(process.env.XDG_RUNTIME_DIR, "sentinel-drm");
});
// The rest of the run (other files in the same process) sees the environment it had.
afterAll(() => {
  const runtimeDir = process.env.XDG_RUNTIME_DIR;
  if (runtimeDirBefore === undefined) delete process.env.XDG_RUNTIME_DIR;
  else process.env.XDG_RUNTIME_DIR = runtimeDirBefore;
  if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
});

function options(overrides: Partial<SuperviseOptions> = {}): SuperviseOptions {
  return {
    software: "/bin/sleep",
    args: ["30"],
    stopTimeoutMs: 2000,
    shutdown: new Shutdown(),
    socketId: "abc123",
    license,
    status,
    nowMs: clockFrom(endOfExpiryDay - 3_600_000),
    ...overrides,
  };
}

describe("supervision", () => {
  test("the licence expiring while the software runs stops it with 77 (license has expired)", async () => {
    const cleanups: string[] = [];
    const run = superviseSoftware(options({ nowMs: clockFrom(endOfExpiryDay - 300), onCleanup: async () => void cleanups.push("saved") }));
    await expect(run).rejects.toEqual(new DeniedError("license has expired"));
    expect(cleanups).toEqual(["saved"]);
    expect(readdirSync(socketDir)).toEqual([]);
  });

  test("the software's own exit status comes back, and cleanup runs once", async () => {
    let cleanups = 0;
    const code = await superviseSoftware(options({ software: "/bin/sh", args: ["-c", "exit 9"], onCleanup: async () => void cleanups++ }));
    expect(code).toBe(9);
    expect(cleanups).toBe(1);
  });

  test("a licence verdict while running stops the software and names itself, not the software's status", async () => {
    const shutdown = new Shutdown();
    const background = { started: 0, stopped: 0, start: () => void background.started++, stop: async () => void background.stopped++ };
    const run = superviseSoftware(options({ shutdown, background }));
    await waitFor(() => background.started === 1, "the software to run with its background work");
    shutdown.request({ kind: "licence", error: new UnavailableError("grace period exhausted — shutting down") });
    await expect(run).rejects.toThrow("grace period exhausted — shutting down");
    expect(background.started).toBe(1);
    expect(background.stopped).toBeGreaterThanOrEqual(1);
  });

  test("a signal before launch never starts the software and leaves no socket", async () => {
    const shutdown = new Shutdown();
    shutdown.request({ kind: "signal", signal: "SIGTERM" });
    await expect(superviseSoftware(options({ shutdown }))).rejects.toBeInstanceOf(Interrupted);
    expect(existsSync(socketDir) ? readdirSync(socketDir) : []).toEqual([]);
  });

  test("Interrupted maps the signal to 128+N", () => {
    expect(new Interrupted("SIGINT").exitCode).toBe(130);
    expect(new Interrupted("SIGTERM").exitCode).toBe(143);
  });
});
