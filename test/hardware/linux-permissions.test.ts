// Permission failures need a reader the kernel can refuse. Tests run as root, whose
// CAP_DAC_OVERRIDE reads mode-000 files anyway, so as root the collector runs in a
// child process with that capability dropped (setpriv); as another user, directly.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { copyFixtureRoot, expectedFingerprint, removeCopiedRoots } from "./hw-root.ts";

afterAll(removeCopiedRoots);

const DROP_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"];

async function collectInChild(root: string): Promise<{ fingerprint?: string; name?: string; message?: string; exitCode?: number }> {
  const prefix = process.getuid?.() === 0 ? DROP_DAC : [];
  const child = Bun.spawn([...prefix, process.execPath, join(import.meta.dir, "collect-child.ts"), root], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, status] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  return JSON.parse(stdout);
}

describe("unreadable files", () => {
  test("the child collector reads a readable root (the harness itself works)", async () => {
    expect(await collectInChild(copyFixtureRoot("hwroot"))).toEqual({ fingerprint: expectedFingerprint("hwroot") });
  });

  test("a root-only product_uuid says it is a permission problem", async () => {
    const root = copyFixtureRoot("hwroot");
    chmodSync(join(root, "sys/class/dmi/id/product_uuid"), 0o000);
    expect(await collectInChild(root)).toEqual({
      name: "LicenseError",
      exitCode: 65,
      message: "cannot read cpu_id from /sys/class/dmi/id/product_uuid: permission denied (root-only on most systems)",
    });
  });

  test("an unreadable machine-id is a permission problem too", async () => {
    const root = copyFixtureRoot("hwroot");
    chmodSync(join(root, "etc/machine-id"), 0o000);
    expect(await collectInChild(root)).toEqual({
      name: "LicenseError",
      exitCode: 65,
      message: "cannot read machine_id from /etc/machine-id: permission denied",
    });
  });

  test("an unreadable disk serial", async () => {
    const root = copyFixtureRoot("hwroot-nvme");
    chmodSync(join(root, "sys/block/nvme0n1/serial"), 0o000);
    expect((await collectInChild(root)).message).toBe("cannot read disk_serial from /sys/block/nvme0n1/serial: permission denied");
  });
});
