// `sentinel verify` and `--version` on the compiled test build, as a customer runs them.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePem } from "../../src/crypto/pem.ts";
import { sha256Hex } from "../../src/crypto/sha256.ts";
import { runSentinel, testBinary } from "../support/binary.ts";
import { VECTORS } from "../support/paths.ts";

const manifest = JSON.parse(readFileSync(join(VECTORS, "manifest.json"), "utf8")) as Array<{
  file: string;
  expect: string;
  message: string | null;
  license_key: string | null;
}>;

describe("sentinel verify (compiled)", () => {
  test("every vector is accepted (0) or refused (65) with its message", async () => {
    await testBinary();
    const results = await Promise.all(manifest.map((entry) => runSentinel(["verify", "--license", join(VECTORS, entry.file)])));
    manifest.forEach((entry, i) => {
      const result = results[i]!;
      if (entry.expect === "valid") {
        expect({ file: entry.file, code: result.exitCode }).toEqual({ file: entry.file, code: 0 });
        expect(result.stdout).toContain(entry.license_key as string);
      } else {
        expect({ file: entry.file, code: result.exitCode }).toEqual({ file: entry.file, code: 65 });
        if (entry.message) expect(result.stderr.trim()).toBe(`sentinel error: ${entry.message}`);
      }
    });
  });

  test("--json prints the summary with features as signed", async () => {
    const result = await runSentinel(["verify", "--license", join(VECTORS, "valid_standard.lic"), "--json"]);
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ valid: true, license_key: "LK-VALID-STANDARD", license_type: "STANDARD", expiry_date: "2099-12-31" });
    expect(result.stderr).toBe("");
  });

  test("bad input gives one line and the documented code, never a stack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sentinel-verify-"));
    writeFileSync(join(dir, "empty.lic"), "");
    writeFileSync(join(dir, "huge.lic"), Buffer.alloc(2 * 1024 * 1024, 0x41));
    writeFileSync(join(dir, "garbage.lic"), crypto.getRandomValues(new Uint8Array(1000)));
    const cases: Array<[string[], number, string]> = [
      [["verify", "--license", join(dir, "empty.lic")], 65, "invalid license file: malformed JSON"],
      [["verify", "--license", join(dir, "huge.lic")], 65, "over 1 MiB"],
      [["verify", "--license", join(dir, "garbage.lic")], 65, "invalid license file: malformed JSON"],
      [["verify", "--license", join(dir, "missing.lic")], 65, "license file not found"],
      [["verify"], 64, "Missing required argument: --license"],
      [["verify", "--licence", "x"], 64, "unknown flag: --licence"],
      [["frobnicate"], 64, "unknown command: frobnicate"],
    ];
    for (const [args, code, message] of cases) {
      const result = await runSentinel(args);
      expect({ args, code: result.exitCode }).toEqual({ args, code });
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain("    at ");
    }
  });
});

describe("sentinel --version (compiled)", () => {
  test("prints version, platform and the SHA-256 of the embedded key's DER", async () => {
    const result = await runSentinel(["--version"]);
    expect(result.exitCode).toBe(0);
    const keyDigest = sha256Hex(decodePem(readFileSync(join(VECTORS, "org_public.pem"), "utf8"), "PUBLIC KEY"));
    expect(result.stdout).toBe(
      `sentinel 0.0.0-test (LINUX_${process.arch === "arm64" ? "ARM64" : "AMD64"})\norg key sha256: ${keyDigest}\n`,
    );
  });
});
