import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { decodeMountinfoEscapes, findRootMount, parseMountinfoLine } from "../../src/hardware/mountinfo.ts";
import { vectorRoot } from "./hw-root.ts";

describe("octal escapes", () => {
  const cases: [string, string][] = [
    ["/mnt/My\\040Backups", "/mnt/My Backups"],
    ["a\\011b", "a\tb"],
    ["a\\012b", "a\nb"],
    ["back\\134slash", "back\\slash"],
    ["\\0400", " 0"],
    ["plain", "plain"],
    ["short\\04", "short\\04"],
    ["not-octal\\089", "not-octal\\089"],
  ];
  for (const [raw, decoded] of cases) test(JSON.stringify(raw), () => expect(decodeMountinfoEscapes(raw)).toBe(decoded));
});

describe("lines", () => {
  test("optional fields end at the lone dash", () => {
    expect(parseMountinfoLine("74 29 0:52 / /mnt/My\\040Backups rw,nosuid shared:540 master:1 - fuse.sshfs backup@nas:/srv rw")).toEqual({
      mountPoint: "/mnt/My Backups",
      fstype: "fuse.sshfs",
      source: "backup@nas:/srv",
    });
  });

  test("no optional fields", () => {
    expect(parseMountinfoLine("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard")).toEqual({
      mountPoint: "/",
      fstype: "ext4",
      source: "/dev/vda",
    });
  });

  test("an escaped space in the source", () => {
    expect(parseMountinfoLine("27 1 8:1 / / rw - ext4 /dev/disk\\040one rw")?.source).toBe("/dev/disk one");
  });

  test("a dash inside the first six fields is not the separator", () => {
    expect(parseMountinfoLine("27 1 8:1 / - rw - ext4 /dev/sda1 rw")).toEqual({ mountPoint: "-", fstype: "ext4", source: "/dev/sda1" });
  });

  for (const line of ["", "29 1 8:1 / / rw,relatime", "29 1 8:1 / / rw - ext4", "29 1 8:1", "-", "29 1 8:1 / / rw -"]) {
    test(`malformed: ${JSON.stringify(line)}`, () => expect(parseMountinfoLine(line)).toBeNull());
  }
});

describe("the mount at /", () => {
  test("the shared hwroot table (with a bind of / elsewhere and an escaped mount point)", () => {
    const text = readFileSync(join(vectorRoot("hwroot"), "proc/self/mountinfo"), "utf8");
    expect(findRootMount(text)).toEqual({ mountPoint: "/", fstype: "ext4", source: "/dev/sda1" });
  });

  test("the last of several", () => {
    const text = "1 0 0:1 / / rw - rootfs rootfs rw\n29 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 29 8:2 / /home rw - ext4 /dev/sda2 rw\n";
    expect(findRootMount(text)?.source).toBe("/dev/sda1");
  });

  test("none", () => expect(findRootMount("29 1 8:1 / /srv rw - ext4 /dev/sda1 rw\n")).toBeNull());
});

describe("security: arbitrary mount table text", () => {
  test("never throws, and a found mount is always at /", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const found = findRootMount(text);
        expect(found === null || found.mountPoint === "/").toBe(true);
      }),
    );
  });

  test("lines made of mountinfo-like tokens never throw", () => {
    const token = fc.constantFrom("-", "/", "\\040", "\\", "29", "8:1", "rw", "ext4", "/dev/sda1", "", " ");
    fc.assert(fc.property(fc.array(token, { maxLength: 14 }), (tokens) => void parseMountinfoLine(tokens.join(" "))));
  });
});
