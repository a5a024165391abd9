import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { LicenseError } from "../../src/errors.ts";
import { collectFingerprint } from "../../src/hardware/fingerprint.ts";
import { diskOfBlockDevice, hardwareRoot, readLinuxCpuId, readLinuxDiskSerial, readLinuxMachineId } from "../../src/hardware/linux.ts";
import {
  copyFixtureRoot,
  expectedFingerprint,
  FIXTURE_ROOTS,
  removeCopiedRoots,
  removeUnder,
  restoreSysfsLinks,
  vectorRoot,
  writeUnder,
} from "./hw-root.ts";

afterAll(removeCopiedRoots);

const MOUNT = (source: string, point = "/") => `29 1 8:1 / ${point} rw,relatime shared:1 - ext4 ${source} rw,errors=remount-ro\n`;

async function failure(root: string): Promise<string> {
  const error = await collectFingerprint({ platform: "linux", root }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LicenseError);
  expect((error as LicenseError).exitCode).toBe(65);
  return (error as LicenseError).message;
}

describe("shared vectors (flattened sysfs links)", () => {
  for (const name of FIXTURE_ROOTS) {
    test(`${name} gives ${name}.expected`, async () => {
      const result = await collectFingerprint({ platform: "linux", root: vectorRoot(name) });
      expect(result.fingerprint).toBe(expectedFingerprint(name));
    });
  }

  test("parts name their sources; product_uuid keeps its case and loses its padding", async () => {
    const { parts } = await collectFingerprint({ platform: "linux", root: vectorRoot("hwroot") });
    expect(parts).toEqual({
      cpu_id: { source: "/sys/class/dmi/id/product_uuid", value: "4C4C4544-0042-3510-8051-B7C04F4E3532" },
      disk_serial: { source: "/sys/block/sda/serial", value: "WD-WCC4N7KJ1234" },
      machine_id: { source: "/etc/machine-id", value: "5f3e7c2a9b8d4e1f8a6b0c2d4e6f8a1b" },
    });
  });

  test("an ARM board without product_uuid takes the cpuinfo Serial line, an eMMC its disk", async () => {
    const { parts } = await collectFingerprint({ platform: "linux", root: vectorRoot("hwroot-arm") });
    expect(parts.cpu_id).toEqual({ source: "/proc/cpuinfo Serial", value: "00000000abcdef12" });
    expect(parts.disk_serial.source).toBe("/sys/block/mmcblk0/serial");
  });
});

describe("real sysfs symlinks", () => {
  for (const name of FIXTURE_ROOTS) {
    test(`${name} with restored symlinks gives the same fingerprint`, async () => {
      const root = copyFixtureRoot(name);
      restoreSysfsLinks(root);
      for (const link of readdirSync(join(root, "sys/class/block")))
        expect(lstatSync(join(root, "sys/class/block", link)).isSymbolicLink()).toBe(true);
      for (const disk of readdirSync(join(root, "sys/block"))) expect(lstatSync(join(root, "sys/block", disk)).isSymbolicLink()).toBe(true);
      expect((await collectFingerprint({ platform: "linux", root })).fingerprint).toBe(expectedFingerprint(name));
    });
  }

  test("a whole disk mounted at / is its own disk", () => {
    const root = copyFixtureRoot("hwroot-nvme");
    restoreSysfsLinks(root);
    writeUnder(root, "/proc/self/mountinfo", MOUNT("/dev/nvme0n1"));
    expect(diskOfBlockDevice(root, "nvme0n1")).toBe("nvme0n1");
    expect(readLinuxDiskSerial(root)).toEqual({ source: "/sys/block/nvme0n1/serial", value: "S4EWNX0R123456K" });
  });

  test("this machine's own /proc and /sys give a serial or a one-line LicenseError", () => {
    try {
      expect(readLinuxDiskSerial("/").source).toMatch(/^\/sys\/block\/[A-Za-z0-9._:+-]+\/serial$/);
    } catch (error) {
      expect(error).toBeInstanceOf(LicenseError);
      expect((error as Error).message).toMatch(/^cannot read disk_serial from [^\n]+$/);
    }
  });
});

describe("mount table", () => {
  test("the last mount at / wins", () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/proc/self/mountinfo", MOUNT("/dev/loop0") + MOUNT("/dev/sda2", "/home") + MOUNT("/dev/sda1"));
    expect(readLinuxDiskSerial(root).value).toBe("WD-WCC4N7KJ1234");
  });

  test("no mount at /", async () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/proc/self/mountinfo", MOUNT("/dev/sda1", "/srv") + MOUNT("/dev/sda2", "/home"));
    expect(await failure(root)).toBe("cannot read disk_serial from /proc/self/mountinfo: nothing is mounted at /");
  });

  test("a / source that is not a device (overlay in a container)", async () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/proc/self/mountinfo", "1 0 0:50 / / rw - overlay overlay rw,lowerdir=/l\n");
    expect(await failure(root)).toBe(
      'cannot read disk_serial from /proc/self/mountinfo: the / mount source "overlay" (type "overlay") is not a block device',
    );
  });

  test("a / device that is not under /sys/class/block", async () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/proc/self/mountinfo", MOUNT("/dev/sdz1"));
    expect(await failure(root)).toBe("cannot read disk_serial from /sys/class/block/sdz1: not found");
  });

  test("a device-mapper path is not a /sys/class/block name", async () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/proc/self/mountinfo", MOUNT("/dev/mapper/vg-root"));
    expect(await failure(root)).toBe(
      'cannot read disk_serial from /sys/class/block: no entry for the / mount source "/dev/mapper/vg-root"',
    );
  });

  test("a missing mountinfo", async () => {
    const root = copyFixtureRoot("hwroot");
    removeUnder(root, "/proc/self/mountinfo");
    expect(await failure(root)).toBe("cannot read disk_serial from /proc/self/mountinfo: not found");
  });
});

describe("part failures", () => {
  test("missing /etc/machine-id", async () => {
    const root = copyFixtureRoot("hwroot");
    removeUnder(root, "/etc/machine-id");
    expect(await failure(root)).toBe("cannot read machine_id from /etc/machine-id: not found");
  });

  test("blank /etc/machine-id", () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/etc/machine-id", " \n\t\n");
    expect(() => readLinuxMachineId(root)).toThrow("cannot read machine_id from /etc/machine-id: empty value");
  });

  test("empty product_uuid and no Serial line", async () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/sys/class/dmi/id/product_uuid", "\n   \n");
    expect(await failure(root)).toBe(
      "cannot read cpu_id from /proc/cpuinfo Serial: no Serial line and /sys/class/dmi/id/product_uuid is empty",
    );
  });

  test("empty product_uuid falls back to a Serial line", () => {
    const root = copyFixtureRoot("hwroot-arm");
    writeUnder(root, "/sys/class/dmi/id/product_uuid", "");
    expect(readLinuxCpuId(root)).toEqual({ source: "/proc/cpuinfo Serial", value: "00000000abcdef12" });
  });

  test("absent product_uuid and a Serial line with no value", () => {
    const root = copyFixtureRoot("hwroot-arm");
    writeUnder(root, "/proc/cpuinfo", "processor\t: 0\nSerial\t\t:   \n");
    expect(() => readLinuxCpuId(root)).toThrow("cannot read cpu_id from /proc/cpuinfo Serial: empty value");
  });

  test("a product_uuid that cannot be read as a file is reported, not replaced by Serial", () => {
    const root = copyFixtureRoot("hwroot-arm");
    mkdirSync(join(root, "sys/class/dmi/id/product_uuid"), { recursive: true });
    expect(() => readLinuxCpuId(root)).toThrow("cannot read cpu_id from /sys/class/dmi/id/product_uuid: is a directory, not a file");
  });

  test("a disk without a serial file", async () => {
    const root = copyFixtureRoot("hwroot-nvme");
    removeUnder(root, "/sys/block/nvme0n1/serial");
    expect(await failure(root)).toBe("cannot read disk_serial from /sys/block/nvme0n1/serial: not found");
  });

  test("a disk whose serial is empty", async () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/sys/block/sda/serial", "   \n");
    expect(await failure(root)).toBe("cannot read disk_serial from /sys/block/sda/serial: empty value");
  });
});

describe("security: untrusted mount table and sysfs links", () => {
  test("a mount source climbing out of /dev is refused before any path is built", () => {
    for (const source of ["/dev/../../etc/passwd", "/dev/..", "/dev/.", "/dev/", "/dev/sda1\n"]) {
      const root = copyFixtureRoot("hwroot");
      writeUnder(root, "/proc/self/mountinfo", MOUNT(source.replace("\n", "\\012")));
      expect(() => readLinuxDiskSerial(root)).toThrow("cannot read disk_serial from /sys/class/block: no entry for the / mount source");
    }
  });

  test("a flattened link pointing outside /sys is refused", () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/sys/class/block/sda1", "../../../../../../etc");
    expect(() => readLinuxDiskSerial(root)).toThrow('cannot read disk_serial from /sys/class/block/sda1: points outside /sys: "/etc"');
  });

  test("an absolute symlink resolves under the root, never on the host", () => {
    const root = copyFixtureRoot("hwroot");
    removeUnder(root, "/sys/class/block/sda1");
    // /sys/devices/virtual/block/loop0 exists on most hosts but not in this root.
    removeUnder(root, "/sys/devices/virtual");
    symlinkSync("/sys/devices/virtual/block/loop0", join(root, "sys/class/block/sda1"));
    expect(() => readLinuxDiskSerial(root)).toThrow(
      'cannot read disk_serial from /sys/class/block/sda1: points to a missing device "/sys/devices/virtual/block/loop0"',
    );
  });

  test("an empty flattened link is refused", () => {
    const root = copyFixtureRoot("hwroot");
    writeUnder(root, "/sys/class/block/sda1", "\n");
    expect(() => readLinuxDiskSerial(root)).toThrow("cannot read disk_serial from /sys/class/block/sda1: is not a link to a device");
  });

  test("a link that is neither file, symlink nor directory is refused", () => {
    const root = copyFixtureRoot("hwroot");
    removeUnder(root, "/sys/class/block/sda1");
    const fifo = Bun.spawnSync(["mkfifo", join(root, "sys/class/block/sda1")]);
    expect(fifo.exitCode).toBe(0);
    chmodSync(join(root, "sys/class/block/sda1"), 0o644);
    expect(() => readLinuxDiskSerial(root)).toThrow("cannot read disk_serial from /sys/class/block/sda1: is not a link to a device");
  });

  test("SENTINEL_HW_ROOT is ignored outside test builds", () => {
    const saved = process.env.SENTINEL_HW_ROOT;
    process.env.SENTINEL_HW_ROOT = vectorRoot("hwroot");
    try {
      expect(hardwareRoot()).toBe("/");
    } finally {
      if (saved === undefined) delete process.env.SENTINEL_HW_ROOT;
      else process.env.SENTINEL_HW_ROOT = saved;
    }
  });
});
