import { describe, expect, test } from "bun:test";
import { LicenseError } from "../../src/errors.ts";
import { createCommandRunner, decodeCommandOutput, runCommand, runForPart } from "../../src/hardware/command-runner.ts";

async function rejection(promise: Promise<unknown>): Promise<LicenseError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LicenseError);
  return error as LicenseError;
}

describe("running a real process", () => {
  test("stdout is returned as written, CRLF included", async () => {
    const result = await runCommand(["sh", "-c", "printf 'a\\r\\nb\\r\\n'; printf 'noise' >&2"]);
    expect(result).toEqual({ exitCode: 0, stdout: "a\r\nb\r\n", stderr: "noise" });
  });

  test("a zero exit hands stdout to the parser", async () => {
    expect(await runForPart(runCommand, ["sh", "-c", "echo value"], "cpu_id", "test source")).toBe("value\n");
  });

  test("a failing tool names the part, the source, the status and its first stderr line", async () => {
    const error = await rejection(
      runForPart(runCommand, ["sh", "-c", "echo; echo '  access denied  ' >&2; echo more >&2; exit 3"], "disk_serial", "src"),
    );
    expect(error.message).toBe('cannot read disk_serial from src: sh exited with status 3: "access denied"');
    expect(error.exitCode).toBe(65);
  });

  test("a tool that is not installed", async () => {
    const error = await rejection(runForPart(runCommand, ["/nonexistent/usr/sbin/ioreg"], "cpu_id", "ioreg IOPlatformSerialNumber"));
    expect(error.message).toBe("cannot read cpu_id from ioreg IOPlatformSerialNumber: /nonexistent/usr/sbin/ioreg not found");
  });

  test("a tool that does not answer in time is killed", async () => {
    const run = createCommandRunner(200);
    expect((await run(["sleep", "30"])).exitCode).toBeNull();
    const error = await rejection(runForPart(run, ["sleep", "30"], "machine_id", "src"));
    expect(error.message).toBe("cannot read machine_id from src: sleep was stopped (no answer in time or killed)");
  });
});

describe("decoding output", () => {
  test("UTF-8 with and without BOM", () => {
    expect(decodeCommandOutput(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0x0d, 0x0a]))).toBe("A\r\n");
    expect(decodeCommandOutput(new TextEncoder().encode("ABC"))).toBe("ABC");
  });

  test("UTF-16LE announced by its BOM (PowerShell with a Unicode console)", () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x42, 0x00, 0x46, 0x00, 0x0d, 0x00, 0x0a, 0x00]);
    expect(decodeCommandOutput(bytes)).toBe("BF\r\n");
  });
});

describe("security: a tool's stderr in a message", () => {
  test("control characters and long lines stay on one bounded line", async () => {
    const script = `printf '\\033[31mred\\tx%0300d\\r\\n' 0 >&2; exit 1`;
    const error = await rejection(runForPart(runCommand, ["sh", "-c", script], "cpu_id", "src"));
    for (const control of ["\n", "\r", "\t", "\u001b"]) expect(error.message).not.toContain(control);
    expect(error.message.length).toBeLessThan(220);
  });

  test("a runner that throws something odd still gives a LicenseError", async () => {
    const error = await rejection(runForPart(() => Promise.reject(null), ["tool"], "cpu_id", "src"));
    expect(error.message).toBe("cannot read cpu_id from src: cannot run tool: null");
  });
});
