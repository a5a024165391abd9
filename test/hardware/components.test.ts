// v2 component pieces on Linux (spec 13.1, 13.2): the hash, VPD page 0x80, the udev
// database, the mac rule, the disk serial's source order and the environment rules,
// each on real files under a temporary root. And this machine's own collectors.
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { collectComponents } from "../../src/hardware/collect-components.ts";
import { hashComponent } from "../../src/hardware/components.ts";
import { cgroupNamesContainer, detectLinuxEnvironment, isVmVendor } from "../../src/hardware/environment.ts";
import { isPermanentMac } from "../../src/hardware/linux-components.ts";
import { parseUdevSerial, parseVpdPage80, readLinuxDiskSerialV2 } from "../../src/hardware/linux-disk-serial.ts";
import { machineNamed } from "./fixtures/machines.ts";
import { type Tree, writeTree } from "./fixtures/sysfs-tree.ts";
import { copyFixtureRoot, removeCopiedRoots, removeUnder, vectorRoot, writeUnder } from "./hw-root.ts";
import { machineRoot, removeMachineRoots } from "./machine-roots.ts";

afterAll(removeMachineRoots);
afterAll(removeCopiedRoots);

describe("the hash", () => {
  test("SHA-256 of sentinel-hw-v2, org key id, name and value, one per line (checked with node:crypto)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
        fc.string({ unit: "binary", minLength: 1 }),
        (org, value) => {
          const reference = createHash("sha256").update(`sentinel-hw-v2\n${org}\n${"mac"}\n${value}`, "utf8").digest("hex");
          expect(hashComponent(org, "mac", value)).toBe(reference);
        },
      ),
    );
  });
  test("the name is part of it: one value under two names gives two hashes", () => {
    expect(hashComponent("k", "machine_id", "x")).not.toBe(hashComponent("k", "product_uuid", "x"));
  });
});

describe("VPD page 0x80 and the udev database", () => {
  const page = (...bytes: number[]) => new Uint8Array(bytes);
  const ascii = (text: string) => [...new TextEncoder().encode(text)];
  test.each([
    ["serial from offset 4, padding kept for the trim", page(0, 0x80, 0, 8, ...ascii("  AB1234")), "  AB1234"],
    ["the page length bounds it", page(0, 0x80, 0, 2, ...ascii("ABCD")), "AB"],
    ["trailing NULs dropped", page(0, 0x80, 0, 6, ...ascii("XY"), 0, 0, 0, 0), "XY"],
    ["another page is not a serial", page(0, 0x83, 0, 4, ...ascii("ABCD")), null],
    ["binary inside is not a serial", page(0, 0x80, 0, 3, 0x41, 0x07, 0x42), null],
    ["header only", page(0, 0x80, 0, 0), null],
  ])("%s", (_, bytes, serial) => expect(parseVpdPage80(bytes)).toBe(serial));

  test("E:ID_SERIAL_SHORT= is the line read; ID_SERIAL is not", () => {
    expect(parseUdevSerial("E:ID_SERIAL=Samsung_X\r\nE:ID_SERIAL_SHORT=X123\nG:systemd\n")).toBe("X123");
    expect(parseUdevSerial("E:ID_SERIAL=Samsung_X\n")).toBeNull();
  });
});

describe("the mac rule", () => {
  test.each([
    ["18:66:da:4e:12:34", true],
    ["00:00:00:00:00:00", false],
    ["02:42:ac:11:00:02", false],
    ["52:54:00:12:34:56", false],
    ["0a:1b:2c:3d:4e:5f", false],
    ["00:25:90:ab:cd:ef", true],
    ["80:00:00:00:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01", false],
  ])("%s is permanent: %p", (address, permanent) => expect(isPermanentMac(address)).toBe(permanent));
});

describe("disk_serial: the first non-empty of four sources, in order", () => {
  const sata = machineNamed("sata-desktop");
  const base = "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0";
  const at = (tree: Tree) => {
    const root = machineRoot(sata);
    writeTree(root, tree);
    return root;
  };
  test("/sys/block/<d>/serial first", () => {
    expect(readLinuxDiskSerialV2(at({ [`${base}/block/sda/serial`]: "FIRST\n", [`${base}/serial`]: "SECOND\n" }))).toEqual({
      value: "FIRST",
      source: "/sys/block/sda/serial",
    });
  });
  test("then device/serial, over vpd_pg80", () => {
    expect(readLinuxDiskSerialV2(at({ [`${base}/serial`]: "SECOND\n" }))).toEqual({
      value: "SECOND",
      source: "/sys/block/sda/device/serial",
    });
  });
  test("an empty serial file falls through to the next source", () => {
    expect(readLinuxDiskSerialV2(at({ [`${base}/block/sda/serial`]: "  \n" }))).toEqual({
      value: "WD-WCC6Y7AB1234",
      source: "/sys/block/sda/device/vpd_pg80",
    });
  });
  test("none of them: unavailable, naming every place looked", () => {
    const root = machineRoot(sata);
    removeUnder(root, `${base}/vpd_pg80`);
    removeUnder(root, "/run/udev/data/b8:0");
    expect(readLinuxDiskSerialV2(root)).toEqual({
      unavailable:
        "no serial for sda in /sys/block/sda/serial, /sys/block/sda/device/serial, /sys/block/sda/device/vpd_pg80, /run/udev/data/b8:0",
    });
  });
  test("an overlay / is no disk: unavailable with v1's reason", () => {
    expect(readLinuxDiskSerialV2(machineRoot(machineNamed("docker-container")))).toEqual({
      unavailable: '/proc/self/mountinfo: the / mount source "overlay" (type "overlay") is not a block device',
    });
  });
  test("the shared v1 vectors (flattened links) give v1's serial", () => {
    expect(readLinuxDiskSerialV2(vectorRoot("hwroot-nvme"))).toEqual({ value: "S4EWNX0R123456K", source: "/sys/block/nvme0n1/serial" });
  });
});

describe("environment (spec 13.2)", () => {
  test.each([
    ["0::/system.slice/docker-4f2a.scope\n", true],
    ["12:pids:/kubepods/besteffort/pod1\n", true],
    ["0::/lxc.payload.c1\n", true],
    ["0::/machine.slice/libpod-abc.scope\n", true],
    ["0::/init.scope\n", false],
    ["0::/\n", false],
  ])("cgroup %j names a container: %p", (cgroup, container) => expect(cgroupNamesContainer(cgroup)).toBe(container));

  test.each([
    ["QEMU", "Standard PC", true],
    ["Microsoft Corporation", "Virtual Machine", true],
    ["Microsoft Corporation", "Surface Laptop 4", false],
    ["innotek GmbH", "VirtualBox", true],
    ["Dell Inc.", "OptiPlex 7070", false],
  ])("sys_vendor %j, product_name %j: vm %p", (vendor, product, vm) => expect(isVmVendor(`${vendor}\n`, product)).toBe(vm));

  test("container markers win over vm signs; each one alone is enough", () => {
    const root = copyFixtureRoot("hwroot");
    expect(detectLinuxEnvironment(root)).toBe("vm");
    writeUnder(root, "/run/.containerenv", "");
    expect(detectLinuxEnvironment(root)).toBe("container");
    removeUnder(root, "/run/.containerenv");
    writeUnder(root, "/proc/1/cgroup", "0::/kubepods.slice/x\n");
    expect(detectLinuxEnvironment(root)).toBe("container");
  });

  test("no hypervisor flag and an ordinary vendor: physical; the vendor alone makes a vm", () => {
    const root = machineRoot(machineNamed("sata-desktop"));
    expect(detectLinuxEnvironment(root)).toBe("physical");
    writeUnder(root, "/sys/class/dmi/id/sys_vendor", "VMware, Inc.\n");
    expect(detectLinuxEnvironment(root)).toBe("vm");
  });
});

test("Linux collection starts no process: with Bun.spawn and Bun.spawnSync refusing, every component is still read", async () => {
  const saved = { spawn: Bun.spawn, spawnSync: Bun.spawnSync };
  const refuse = () => {
    throw new Error("a subprocess was started");
  };
  Object.assign(Bun, { spawn: refuse, spawnSync: refuse });
  try {
    const sata = machineNamed("sata-desktop");
    const { readings } = await collectComponents({ platform: "linux", root: machineRoot(sata) });
    expect(Object.keys(readings).filter((name) => "value" in (readings[name as keyof typeof readings] ?? {}))).toHaveLength(5);
    await collectComponents({ platform: "linux", root: "/" });
  } finally {
    Object.assign(Bun, saved);
  }
});

describe("this machine, with the real collectors and no root given", () => {
  test("every component is read or unavailable with a reason; none throws; no raw value is a hash", async () => {
    const collected = await collectComponents();
    expect(["physical", "vm", "container"]).toContain(collected.environment);
    expect(Object.keys(collected.readings).sort()).toEqual(
      ["board_serial", "cpu_serial", "disk_serial", "mac", "machine_id", "product_uuid"].sort(),
    );
    for (const reading of Object.values(collected.readings)) {
      if ("value" in reading) expect(reading.value).toBe(reading.value.trim());
      else expect(reading.unavailable).toMatch(/^\S.*$/);
    }
  });
});
