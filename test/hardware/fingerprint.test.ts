import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LicenseError } from "../../src/errors.ts";
import { collectFingerprint, computeFingerprint, readOsMachineId } from "../../src/hardware/fingerprint.ts";
import { expectedFingerprint, vectorRoot } from "./hw-root.ts";
import { referenceFingerprint } from "./replay-runner.ts";

describe("the hash", () => {
  test("lowercase hex SHA-256 of the plain concatenation of the trimmed parts", () => {
    expect(computeFingerprint(" 4C4C4544-0042-3510-8051-B7C04F4E3532\n", "  WD-WCC4N7KJ1234  ", "5f3e7c2a9b8d4e1f8a6b0c2d4e6f8a1b\n")).toBe(
      expectedFingerprint("hwroot"),
    );
  });

  test("agrees with node:crypto for any parts", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        expect(computeFingerprint(a, b, c)).toBe(referenceFingerprint(a.trim(), b.trim(), c.trim()));
      }),
    );
  });
});

describe("choosing the collector", () => {
  test("linux reads under the given root", async () => {
    expect((await collectFingerprint({ platform: "linux", root: vectorRoot("hwroot-nvme") })).fingerprint).toBe(
      expectedFingerprint("hwroot-nvme"),
    );
  });

  test("the OS machine id on Linux is /etc/machine-id", async () => {
    expect(await readOsMachineId({ platform: "linux", root: vectorRoot("hwroot-arm") })).toEqual({
      source: "/etc/machine-id",
      value: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    });
  });

  test("this machine, with no options: a fingerprint or a one-line LicenseError, never anything else", async () => {
    const outcome = await collectFingerprint().then(
      (result) => result.fingerprint,
      (error: unknown) => error,
    );
    if (typeof outcome === "string") expect(outcome).toMatch(/^[0-9a-f]{64}$/);
    else {
      expect(outcome).toBeInstanceOf(LicenseError);
      expect((outcome as Error).message).toMatch(/^cannot read (cpu_id|disk_serial|machine_id) from [^\n]+$/);
    }
  });

  for (const platform of ["freebsd", "aix"] as const) {
    test(`${platform} is refused as a licence failure`, async () => {
      await expect(collectFingerprint({ platform })).rejects.toThrow(`hardware fingerprint is not supported on ${platform}`);
      const error = await readOsMachineId({ platform }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LicenseError);
      expect((error as LicenseError).exitCode).toBe(65);
    });
  }
});
