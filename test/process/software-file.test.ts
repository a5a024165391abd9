import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { LicenseError, UsageError } from "../../src/errors.ts";
import { checkExecutable, verifySoftwareChecksum } from "../../src/process/software-file.ts";

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

describe("verifySoftwareChecksum", () => {
  // Larger than any one read, so the hash really is computed across chunks.
  const content = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
  const program = file("big.bin", content, 0o755);

  test("accepts the file's SHA-256, in either case", async () => {
    await verifySoftwareChecksum(program, sha256Hex(content));
    await verifySoftwareChecksum(program, sha256Hex(content).toUpperCase());
  });

  test("a mismatch is 65 software checksum mismatch", async () => {
    const wrong = sha256Hex(content.subarray(1));
    const error = await verifySoftwareChecksum(program, wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LicenseError);
    expect((error as LicenseError).exitCode).toBe(65);
    expect((error as LicenseError).message).toBe("software checksum mismatch");
  });

  test("an unreadable path is a usage error, not a crash", async () => {
    const error = await verifySoftwareChecksum(join(dir, "gone"), "0".repeat(64)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
  });
});
