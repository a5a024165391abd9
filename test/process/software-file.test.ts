import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { LicenseError, UsageError } from "../../src/errors.ts";
import { checkExecutable, hashDescriptor, openSoftware, softwarePath } from "../../src/process/software-file.ts";

const dir = mkdtempSync(join(tmpdir(), "sentinel-software-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function usageError(run: () => void): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(64);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("checkExecutable", () => {
  test("accepts an executable file, and a symlink to one", () => {
    const program = file("ok.sh", "#!/bin/sh\n", 0o755);
    checkExecutable(program);
    const link = join(dir, "ok-link");
    symlinkSync(program, link);
    checkExecutable(link);
  });

  test("a missing file is 64, naming the path", () => {
    const missing = join(dir, "nope");
    expect(usageError(() => checkExecutable(missing)).message).toBe(`software not found: ${missing}`);
    expect(usageError(() => checkExecutable(join(dir, "ok.sh", "below"))).message).toStartWith("software not found:");
  });

  test("a directory is 64", () => {
    const sub = join(dir, "a-directory");
    mkdirSync(sub);
    expect(usageError(() => checkExecutable(sub)).message).toBe(`software is a directory: ${sub}`);
  });

  test("a file without execute permission is 64 (even for root)", () => {
    const plain = file("plain.sh", "#!/bin/sh\n", 0o644);
    expect(usageError(() => checkExecutable(plain)).message).toBe(`software is not executable: ${plain}`);
  });

  test("a device is not a regular file", () => {
    expect(usageError(() => checkExecutable("/dev/null")).message).toBe("software is not a regular file: /dev/null");
  });
});

describe("softwarePath", () => {
  test("a relative path is made absolute against the working directory, once", () => {
    expect(softwarePath("bin/app", "/opt/vendor")).toBe("/opt/vendor/bin/app");
    expect(softwarePath("./app", "/opt/vendor")).toBe("/opt/vendor/app");
  });

  test("a bare name is a file in the working directory, never a PATH lookup", () => {
    expect(softwarePath("true", "/nonexistent-dir")).toBe("/nonexistent-dir/true");
  });

  test("an absolute path is kept (normalised)", () => {
    expect(softwarePath("/usr/bin/../bin/true", "/elsewhere")).toBe("/usr/bin/true");
  });

  test("an empty path is 64", () => {
    expect(usageError(() => softwarePath("")).message).toBe("software not found: (empty path)");
  });
});

describe("openSoftware", () => {
  // Larger than any one read, so the hash really is computed across chunks.
  const content = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
  const program = file("big.bin", content, 0o755);

  test("accepts the file's SHA-256, in either case, and keeps the file open", () => {
    for (const checksum of [sha256Hex(content), sha256Hex(content).toUpperCase()]) {
      const software = openSoftware(program, checksum);
      expect(software.verified).toBe(true);
      expect(software.script).toBe(false);
      expect(hashDescriptor(software.fd)).toBe(sha256Hex(content));
      software.close();
    }
  });

  test("the hash is of the open file: replacing the path afterwards does not change it", () => {
    const path = file("swapped.bin", "original", 0o755);
    const software = openSoftware(path);
    renameSync(file("other.bin", "replacement", 0o755), path);
    expect(hashDescriptor(software.fd)).toBe(sha256Hex("original"));
    software.close();
  });

  test("without a checksum nothing is verified; a script is recognised by #!", () => {
    const software = openSoftware(file("tool.sh", "#!/bin/sh\nexit 0\n", 0o755));
    expect(software).toMatchObject({ verified: false, script: true });
    software.close();
  });

  test("a mismatch is 65 software checksum mismatch, and the file is closed", () => {
    const before = readdirSync("/proc/self/fd").length;
    let error: unknown;
    try {
      openSoftware(program, sha256Hex(content.subarray(1)));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LicenseError);
    expect((error as LicenseError).exitCode).toBe(65);
    expect((error as LicenseError).message).toBe("software checksum mismatch");
    expect(readdirSync("/proc/self/fd").length).toBe(before);
  });

  test("a file gone since the check is 64, not a crash", () => {
    expect(usageError(() => openSoftware(join(dir, "gone"), "0".repeat(64))).message).toStartWith(
      `software cannot be read: ${join(dir, "gone")} (ENOENT)`,
    );
  });
});
