// v2 components on macOS and Windows (spec 13.1, 13.2, 12.5), run here on captured
// tool output through the replay runner, and the Windows system directory as
// kernel32's GetSystemDirectoryW reports it (the FFI call's decoding, pure).
import { describe, expect, test } from "bun:test";
import { collectComponents } from "../../src/hardware/collect-components.ts";
import { NETWORKSETUP_ARGV, parseNetworksetupMac, SYSCTL_ARGV } from "../../src/hardware/darwin-components.ts";
import { normaliseWindowsMac, windowsComponentsScript } from "../../src/hardware/windows-components.ts";
import { decodeSystemDirectory, GET_SYSTEM_DIRECTORY_W, windowsSystemDirectory } from "../../src/hardware/windows-system-dir.ts";
import { enoent, fixture, ok, replayRunner, WINDOWS } from "./replay-runner.ts";

describe("macOS", () => {
  const mac = (sysctl: string) =>
    replayRunner([
      ["ioreg", ok(fixture("ioreg-apple-silicon.txt"))],
      ["diskutil", ok(fixture("diskutil-apfs.txt"))],
      ["networksetup", ok(fixture("networksetup-en0.txt"))],
      ["sysctl", ok(sysctl)],
    ]);

  test("machine_id, board_serial, disk_serial and mac from ioreg, diskutil and networksetup; ioreg runs once", async () => {
    const run = mac("0\n");
    const collected = await collectComponents({ platform: "darwin", run });
    expect(collected).toEqual({
      environment: "physical",
      readings: {
        machine_id: { value: "9E3A4F2C-1B7D-5E6A-8C9D-0F1E2D3C4B5A", source: "ioreg IOPlatformUUID" },
        product_uuid: { unavailable: "not collected on macOS" },
        board_serial: { value: "C02XY12JJGFD", source: "ioreg IOPlatformSerialNumber" },
        cpu_serial: { unavailable: "not collected on macOS" },
        disk_serial: { value: "6C0E7A4D-8B1F-4E2A-9C3D-5F6A7B8C9D0E", source: "diskutil info / Volume UUID" },
        mac: { value: "a4:83:e7:12:34:56", source: "networksetup -getmacaddress en0" },
      },
    });
    expect(run.calls.filter((argv) => argv[0] === "/usr/sbin/ioreg")).toHaveLength(1);
  });

  test("every tool by absolute path, none through PATH", async () => {
    const run = mac("0\n");
    await collectComponents({ platform: "darwin", run });
    for (const argv of run.calls) expect(argv[0]).toMatch(/^\/usr\/sbin\/(ioreg|diskutil|networksetup|sysctl)$/);
    expect(run.calls).toContainEqual([...NETWORKSETUP_ARGV]);
    expect(run.calls).toContainEqual([...SYSCTL_ARGV]);
  });

  test("kern.hv_vmm_present 1 is a vm; only the named components' tools run", async () => {
    const run = mac("1\n");
    expect(await collectComponents({ platform: "darwin", run, names: ["mac"] })).toEqual({
      environment: "vm",
      readings: { mac: { value: "a4:83:e7:12:34:56", source: "networksetup -getmacaddress en0" } },
    });
    expect(run.calls.map((argv) => argv[0]).sort()).toEqual(["/usr/sbin/networksetup", "/usr/sbin/sysctl"]);
  });

  test("a tool that fails makes only its components unavailable; no Volume UUID is no disk_serial (no fallback)", async () => {
    const run = replayRunner([
      ["ioreg", enoent("/usr/sbin/ioreg")],
      ["diskutil", ok(fixture("diskutil-hfs-no-volume-uuid-crlf.txt"))],
      ["networksetup", ok(fixture("networksetup-en0-none.txt"))],
      ["sysctl", { exitCode: 1, stdout: "", stderr: "sysctl: unknown oid 'kern.hv_vmm_present'" }],
    ]);
    const { environment, readings } = await collectComponents({ platform: "darwin", run });
    expect(environment).toBe("physical");
    expect(readings.machine_id).toEqual({ unavailable: "ioreg IOPlatformUUID: /usr/sbin/ioreg not found" });
    expect(readings.disk_serial).toEqual({ unavailable: "diskutil info / Volume UUID: not in the tool's output" });
    expect(readings.mac).toEqual({ unavailable: "networksetup -getmacaddress en0: not in the tool's output" });
  });

  test("networksetup's answer", () => {
    expect(parseNetworksetupMac("Ethernet Address: 3C:22:FB:01:02:03 (Device: en0)")).toBe("3c:22:fb:01:02:03");
    expect(parseNetworksetupMac("Ethernet Address: N/A (Device: en0)")).toBeNull();
  });
});

describe("Windows", () => {
  test("one powershell.exe run under the OS's system directory answers all six and the make and model", async () => {
    const run = replayRunner([["ConvertTo-Json", ok(fixture("powershell-components-desktop.json"))]]);
    const collected = await collectComponents({ ...WINDOWS, run });
    expect(collected).toEqual({
      environment: "physical",
      readings: {
        machine_id: { value: "8d2f1c4e-3a5b-4c6d-9e8f-0a1b2c3d4e5f", source: "HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid" },
        product_uuid: { value: "4C4C4544-0039-4810-8052-B3C04F4E3332", source: "Win32_ComputerSystemProduct UUID" },
        board_serial: { value: "/7XK2Q13/CNPE10009B00E7/", source: "Win32_BaseBoard SerialNumber" },
        cpu_serial: { value: "BFEBFBFF000906EA", source: "Win32_Processor ProcessorId" },
        disk_serial: { value: "S3Z9NB0K123456X", source: "Win32_DiskDrive Index=0 SerialNumber" },
        mac: { value: "00:1a:2b:3c:4d:5e", source: "Get-NetAdapter -Physical MacAddress" },
      },
    });
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]?.slice(0, 4)).toEqual([
      "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      "-NoProfile",
      "-NonInteractive",
      "-Command",
    ]);
  });

  test("a Hyper-V guest with a refused query, blanks and nulls: those unavailable, the rest read, vm", async () => {
    const run = replayRunner([["ConvertTo-Json", ok(fixture("powershell-components-hyperv-partial.json"))]]);
    const { environment, readings } = await collectComponents({ ...WINDOWS, run });
    expect(environment).toBe("vm");
    expect(readings.machine_id).toEqual({
      value: "2b7c9d1e-4f5a-4b6c-8d9e-0f1a2b3c4d5e",
      source: "HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid",
    });
    expect(readings.board_serial).toEqual({ unavailable: "Win32_BaseBoard SerialNumber: Access denied" });
    expect(readings.cpu_serial).toEqual({ unavailable: "Win32_Processor ProcessorId: no value" });
    expect(readings.disk_serial).toEqual({ unavailable: "Win32_DiskDrive Index=0 SerialNumber: no value" });
    expect(readings.mac).toEqual({ unavailable: "Get-NetAdapter -Physical MacAddress: no physical adapter with an address" });
  });

  test("PowerShell failing outright, or printing no JSON, leaves every component unavailable with the reason", async () => {
    const failed = replayRunner([["ConvertTo-Json", { exitCode: 1, stdout: "", stderr: "boom\r\n" }]]);
    const { readings } = await collectComponents({ ...WINDOWS, run: failed, names: ["machine_id"] });
    expect(readings).toEqual({
      machine_id: {
        unavailable:
          'HKLM\\SOFTWARE\\Microsoft\\Cryptography MachineGuid: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe exited with status 1: "boom"',
      },
    });
    const garbage = replayRunner([["ConvertTo-Json", ok("WARNING: something\r\n")]]);
    expect((await collectComponents({ ...WINDOWS, run: garbage, names: ["mac"] })).readings).toEqual({
      mac: { unavailable: "PowerShell printed no JSON" },
    });
  });

  test("the script asks only for the named components (and the make and model)", () => {
    const script = windowsComponentsScript(["mac"]);
    expect(script).toContain("'mac' = Q { (Get-NetAdapter -Physical).MacAddress }");
    expect(script).toContain("'computer_system' = Q {");
    expect(script).not.toContain("Win32_Processor");
  });

  test("adapter addresses are normalised; all-zero and malformed ones are skipped", () => {
    expect(normaliseWindowsMac("F8-B1-56-AA-BB-CC")).toBe("f8:b1:56:aa:bb:cc");
    expect(normaliseWindowsMac("00-00-00-00-00-00")).toBeNull();
    expect(normaliseWindowsMac("F8-B1-56")).toBeNull();
  });
});

describe("security: the Windows system directory comes from kernel32, never the environment", () => {
  const utf16 = (text: string, size = 64) => {
    const buffer = new Uint16Array(size);
    for (let i = 0; i < text.length; i++) buffer[i] = text.charCodeAt(i);
    return buffer;
  };

  test("the FFI signature is UINT GetSystemDirectoryW(LPWSTR, UINT)", () => {
    expect(GET_SYSTEM_DIRECTORY_W).toEqual({ args: ["ptr", "u32"], returns: "u32" });
  });

  test.each([
    ["a success: the length copied", "C:\\Windows\\System32", 19, "C:\\Windows\\System32"],
    ["a trailing backslash dropped", "D:\\WINNT\\System32\\", 18, "D:\\WINNT\\System32"],
    ["0 is failure", "C:\\Windows\\System32", 0, null],
    ["a size at least the buffer's means it was too small", "C:\\Windows\\System32", 64, null],
    ["a relative path is refused", "Windows\\System32", 16, null],
  ])("%s", (_, text, returned, expected) => expect(decodeSystemDirectory(utf16(text), returned)).toBe(expected));

  test("SystemRoot, windir and PATH pointing elsewhere change nothing", () => {
    const saved = { SystemRoot: process.env.SystemRoot, windir: process.env.windir, PATH: process.env.PATH };
    Object.assign(process.env, { SystemRoot: "D:\\evil", windir: "D:\\evil", PATH: "D:\\evil" });
    try {
      const kernel = () => (buffer: Uint16Array) => {
        buffer.set(utf16("C:\\Windows\\System32", buffer.length));
        return 19;
      };
      expect(windowsSystemDirectory(kernel)).toBe("C:\\Windows\\System32");
    } finally {
      Object.assign(process.env, saved);
    }
  });

  test("without kernel32 (this Linux machine): an error naming why, not a guess", () => {
    expect(() => windowsSystemDirectory()).toThrow(/^cannot ask Windows for its system directory: /);
  });
});
