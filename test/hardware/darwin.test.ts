import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LicenseError } from "../../src/errors.ts";
import { DISKUTIL_ARGV, IOREG_ARGV } from "../../src/hardware/darwin.ts";
import { parseDiskutilUuid, parseIoregProperty } from "../../src/hardware/darwin-parsers.ts";
import { collectFingerprint, readOsMachineId } from "../../src/hardware/fingerprint.ts";
import { enoent, fixture, ok, referenceFingerprint, replayRunner } from "./replay-runner.ts";

describe("ioreg parser", () => {
  const cases: [file: string, serial: string, uuid: string][] = [
    ["ioreg-apple-silicon.txt", "C02XY12JJGFD", "9E3A4F2C-1B7D-5E6A-8C9D-0F1E2D3C4B5A"],
    ["ioreg-intel-crlf.txt", "C02WK0ABHTD6", "564D1F9A-2B3C-5D4E-9F8A-7B6C5D4E3F2A"],
  ];
  for (const [file, serial, uuid] of cases) {
    test(file, () => {
      const text = fixture(file);
      expect(parseIoregProperty(text, "IOPlatformSerialNumber")).toBe(serial);
      expect(parseIoregProperty(text, "IOPlatformUUID")).toBe(uuid);
    });
  }

  test("a property that is not there", () => expect(parseIoregProperty(fixture("ioreg-intel-crlf.txt"), "IOPlatformNothing")).toBeNull());
});

describe("diskutil parser", () => {
  test("APFS: Volume UUID wins over Disk / Partition UUID", () => {
    expect(parseDiskutilUuid(fixture("diskutil-apfs.txt"))).toEqual({
      label: "Volume UUID",
      value: "6C0E7A4D-8B1F-4E2A-9C3D-5F6A7B8C9D0E",
    });
  });

  test("no Volume UUID line (CRLF capture): Disk / Partition UUID", () => {
    expect(parseDiskutilUuid(fixture("diskutil-hfs-no-volume-uuid-crlf.txt"))).toEqual({
      label: "Disk / Partition UUID",
      value: "7B8C9D0E-1F2A-4B3C-8D4E-5F6A7B8C9D0E",
    });
  });

  test("an empty Volume UUID falls through to the partition's", () => {
    expect(parseDiskutilUuid("   Volume UUID:   \n   Disk / Partition UUID:  ABC\n")).toEqual({
      label: "Disk / Partition UUID",
      value: "ABC",
    });
  });

  test("neither", () => expect(parseDiskutilUuid("   Device Node:  /dev/disk1s1\n")).toBeNull());
});

describe("macOS collector on captured output", () => {
  const captured = () =>
    replayRunner([
      ["ioreg", ok(fixture("ioreg-apple-silicon.txt"))],
      ["diskutil", ok(fixture("diskutil-apfs.txt"))],
    ]);

  test("serial + Volume UUID + platform UUID", async () => {
    const run = captured();
    const result = await collectFingerprint({ platform: "darwin", run });
    expect(result.fingerprint).toBe(
      referenceFingerprint("C02XY12JJGFD", "6C0E7A4D-8B1F-4E2A-9C3D-5F6A7B8C9D0E", "9E3A4F2C-1B7D-5E6A-8C9D-0F1E2D3C4B5A"),
    );
    expect(result.parts).toEqual({
      cpu_id: { source: "ioreg IOPlatformSerialNumber", value: "C02XY12JJGFD" },
      disk_serial: { source: "diskutil info / Volume UUID", value: "6C0E7A4D-8B1F-4E2A-9C3D-5F6A7B8C9D0E" },
      machine_id: { source: "ioreg IOPlatformUUID", value: "9E3A4F2C-1B7D-5E6A-8C9D-0F1E2D3C4B5A" },
    });
    expect(run.calls.sort()).toEqual([[...DISKUTIL_ARGV], [...IOREG_ARGV]].sort());
    expect(IOREG_ARGV).toEqual(["/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice"]);
    expect(DISKUTIL_ARGV).toEqual(["/usr/sbin/diskutil", "info", "/"]);
  });

  test("readOsMachineId runs ioreg only", async () => {
    const run = captured();
    expect(await readOsMachineId({ platform: "darwin", run })).toEqual({
      source: "ioreg IOPlatformUUID",
      value: "9E3A4F2C-1B7D-5E6A-8C9D-0F1E2D3C4B5A",
    });
    expect(run.calls).toEqual([[...IOREG_ARGV]]);
  });

  test("ioreg missing: cpu_id is named even when diskutil fails too", async () => {
    const run = replayRunner([
      ["ioreg", enoent("/usr/sbin/ioreg")],
      ["diskutil", { exitCode: 1, stdout: "", stderr: "Could not find disk: /\n" }],
    ]);
    const error = await collectFingerprint({ platform: "darwin", run }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LicenseError);
    expect((error as Error).message).toBe("cannot read cpu_id from ioreg IOPlatformSerialNumber: /usr/sbin/ioreg not found");
  });

  test("diskutil failing", async () => {
    const run = replayRunner([
      ["ioreg", ok(fixture("ioreg-intel-crlf.txt"))],
      ["diskutil", { exitCode: 1, stdout: "", stderr: "Could not find disk: /\n" }],
    ]);
    await expect(collectFingerprint({ platform: "darwin", run })).rejects.toThrow(
      'cannot read disk_serial from diskutil info /: /usr/sbin/diskutil exited with status 1: "Could not find disk: /"',
    );
  });

  test("ioreg without IOPlatformUUID", async () => {
    const withoutUuid = fixture("ioreg-apple-silicon.txt").replace(/.*"IOPlatformUUID".*\n/, "");
    const run = replayRunner([
      ["ioreg", ok(withoutUuid)],
      ["diskutil", ok(fixture("diskutil-apfs.txt"))],
    ]);
    await expect(collectFingerprint({ platform: "darwin", run })).rejects.toThrow(
      "cannot read machine_id from ioreg IOPlatformUUID: no IOPlatformUUID in the output of /usr/sbin/ioreg -rd1 -c IOPlatformExpertDevice",
    );
  });

  test("diskutil without either UUID", async () => {
    const run = replayRunner([
      ["ioreg", ok(fixture("ioreg-apple-silicon.txt"))],
      ["diskutil", ok("   Device Node:  /dev/disk1s1\n")],
    ]);
    await expect(collectFingerprint({ platform: "darwin", run })).rejects.toThrow(
      "cannot read disk_serial from diskutil info /: no Volume UUID or Disk / Partition UUID in its output",
    );
  });
});

describe("security: ioreg and diskutil text", () => {
  test("keys match exactly: prefixes, suffixes and data-typed values are not the property", () => {
    const text = [
      '      "IOPlatformSerialNumberHint" = "DECOY1"',
      '      "xIOPlatformSerialNumber" = "DECOY2"',
      '      "IOPlatformSerialNumber" = <"DECOY3">',
      '      "IOPlatformSerialNumber" = "REAL" trailing',
      '      "IOPlatformSerialNumber" = "C02REAL"',
    ].join("\n");
    expect(parseIoregProperty(text, "IOPlatformSerialNumber")).toBe("C02REAL");
  });

  test("diskutil labels match exactly", () => {
    const text = "   Parent Volume UUID:   DECOY\n   APFS Volume UUID:  DECOY\n   Volume UUID:   REAL\n";
    expect(parseDiskutilUuid(text)).toEqual({ label: "Volume UUID", value: "REAL" });
  });

  test("arbitrary text never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        parseIoregProperty(text, "IOPlatformUUID");
        parseDiskutilUuid(text);
      }),
    );
  });
});
