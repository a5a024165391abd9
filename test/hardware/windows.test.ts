import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { collectFingerprint, readOsMachineId } from "../../src/hardware/fingerprint.ts";
import { powershellArgv, powershellPath, WINDOWS_QUERIES } from "../../src/hardware/windows.ts";
import { parsePowershellValue } from "../../src/hardware/windows-parsers.ts";
import { fixture, ok, referenceFingerprint, replayRunner, WINDOWS } from "./replay-runner.ts";

describe("PowerShell output parser", () => {
  const cases: [file: string, value: string | null][] = [
    ["powershell-processorid-two-sockets.txt", "BFEBFBFF00050657"],
    ["powershell-disk-serial-padded.txt", "S3Z9NB0K123456X"],
    ["powershell-machineguid.txt", "8d2f1c4e-3a5b-4c6d-9e8f-0a1b2c3d4e5f"],
    ["powershell-blank.txt", null],
  ];
  for (const [file, value] of cases) test(file, () => expect(parsePowershellValue(fixture(file))).toBe(value));

  test("the captures really carry BOM and CRLF", () => {
    expect(fixture("powershell-processorid-two-sockets.txt").startsWith("\uFEFF")).toBe(true);
    expect(fixture("powershell-disk-serial-padded.txt")).toContain("\r\n");
  });

  test("empty output", () => expect(parsePowershellValue("")).toBeNull());
});

describe("Windows collector on captured output", () => {
  const captured = () =>
    replayRunner([
      ["Win32_Processor", ok(fixture("powershell-processorid-two-sockets.txt"))],
      ["Win32_DiskDrive", ok(fixture("powershell-disk-serial-padded.txt"))],
      ["MachineGuid", ok(fixture("powershell-machineguid.txt"))],
    ]);

  test("first ProcessorId + trimmed disk serial + MachineGuid", async () => {
    const run = captured();
    const result = await collectFingerprint({ ...WINDOWS, run });
    expect(result.fingerprint).toBe(referenceFingerprint("BFEBFBFF00050657", "S3Z9NB0K123456X", "8d2f1c4e-3a5b-4c6d-9e8f-0a1b2c3d4e5f"));
    expect(result.parts.disk_serial).toEqual({ source: "Win32_DiskDrive Index=0 SerialNumber", value: "S3Z9NB0K123456X" });
    expect(run.calls).toHaveLength(3);
  });

  test("each query is one non-interactive powershell.exe -Command that stops on errors", async () => {
    const run = captured();
    await collectFingerprint({ ...WINDOWS, run });
    for (const argv of run.calls) {
      expect(argv.slice(0, 4)).toEqual([powershellPath(WINDOWS.systemDirectory), "-NoProfile", "-NonInteractive", "-Command"]);
      expect(argv[4]).toStartWith("$ErrorActionPreference = 'Stop'; ");
    }
    expect(run.calls.map((argv) => argv[4])).toEqual([
      "$ErrorActionPreference = 'Stop'; (Get-CimInstance Win32_Processor).ProcessorId",
      "$ErrorActionPreference = 'Stop'; (Get-CimInstance Win32_DiskDrive -Filter 'Index=0').SerialNumber",
      "$ErrorActionPreference = 'Stop'; (Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography' -Name MachineGuid).MachineGuid",
    ]);
  });

  test("powershell.exe is under the directory the OS names, whatever SystemRoot, windir and PATH say", () => {
    const saved = { SystemRoot: process.env.SystemRoot, windir: process.env.windir, PATH: process.env.PATH };
    Object.assign(process.env, { SystemRoot: "D:\\evil", windir: "D:\\evil", PATH: "D:\\evil" });
    try {
      expect(powershellPath(() => "C:\\WINNT\\System32")).toBe("C:\\WINNT\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    } finally {
      Object.assign(process.env, saved);
    }
    expect(powershellArgv("1", "ps.exe")).toEqual([
      "ps.exe",
      "-NoProfile",
      "-NonInteractive",
      "-Command",
      "$ErrorActionPreference = 'Stop'; 1",
    ]);
  });

  test("no system directory (kernel32 unreachable): each part names the reason, nothing is run", async () => {
    const run = captured();
    const systemDirectory = () => {
      throw new Error("cannot ask Windows for its system directory: no kernel32");
    };
    await expect(collectFingerprint({ platform: "win32", run, systemDirectory })).rejects.toThrow(
      "cannot read cpu_id from Win32_Processor ProcessorId: cannot ask Windows for its system directory: no kernel32",
    );
    expect(run.calls).toEqual([]);
  });

  test("readOsMachineId runs the MachineGuid query only", async () => {
    const run = captured();
    expect(await readOsMachineId({ ...WINDOWS, run })).toEqual({
      source: WINDOWS_QUERIES.machine_id.source,
      value: "8d2f1c4e-3a5b-4c6d-9e8f-0a1b2c3d4e5f",
    });
    expect(run.calls).toHaveLength(1);
  });

  test("a disk without a serial: blank output names disk_serial", async () => {
    const run = replayRunner([
      ["Win32_Processor", ok(fixture("powershell-processorid-two-sockets.txt"))],
      ["Win32_DiskDrive", ok(fixture("powershell-blank.txt"))],
      ["MachineGuid", ok(fixture("powershell-machineguid.txt"))],
    ]);
    await expect(collectFingerprint({ ...WINDOWS, run })).rejects.toThrow(
      "cannot read disk_serial from Win32_DiskDrive Index=0 SerialNumber: PowerShell printed no value",
    );
  });

  test("registry access refused: the error names machine_id and PowerShell's reason", async () => {
    const run = replayRunner([
      ["Win32_Processor", ok(fixture("powershell-processorid-two-sockets.txt"))],
      ["Win32_DiskDrive", ok(fixture("powershell-disk-serial-padded.txt"))],
      [
        "MachineGuid",
        { exitCode: 1, stdout: "", stderr: "\r\nGet-ItemProperty : Requested registry access is not allowed.\r\nAt line:1 char:34\r\n" },
      ],
    ]);
    await expect(collectFingerprint({ ...WINDOWS, run })).rejects.toThrow(
      `cannot read machine_id from HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid: ${powershellPath(WINDOWS.systemDirectory)} exited with status 1: "Get-ItemProperty : Requested registry access is not allowed."`,
    );
  });
});

describe("security: PowerShell text", () => {
  test("arbitrary text never throws, and a value is never blank or padded", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const value = parsePowershellValue(text);
        expect(value === null || (value !== "" && value === value.trim())).toBe(true);
      }),
    );
  });
});
