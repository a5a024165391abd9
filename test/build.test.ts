// build.ts as a vendor runs it: all six targets, their formats, SHA256SUMS, and
// refusal of an unusable key before anything is built.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TARGETS } from "../build.ts";
import { missingHelperCompiler } from "../native/compile-exec-helper.ts";
import { encodePem } from "../src/crypto/pem.ts";
import { REPO_ROOT, VECTORS } from "./support/paths.ts";
import { firstMissing, testNeeding } from "./support/system.ts";

const work = mkdtempSync(join(tmpdir(), "sentinel-build-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function header(path: string): Buffer {
  const buffer = Buffer.alloc(64);
  readSync(openSync(path, "r"), buffer, 0, 64, 0);
  return buffer;
}

/** What a file is, read from its magic bytes: ELF machine and interpreter, Mach-O CPU, PE. */
function format(path: string): string {
  const head = header(path);
  if (head.readUInt32BE(0) === 0x7f454c46)
    return `ELF ${head.readUInt16LE(18) === 0xb7 ? "aarch64" : head.readUInt16LE(18) === 0x3e ? "x86-64" : "?"}`;
  if (head.readUInt32LE(0) === 0xfeedfacf)
    return `Mach-O ${head.readUInt32LE(4) === 0x0100000c ? "arm64" : head.readUInt32LE(4) === 0x01000007 ? "x86-64" : "?"}`;
  if (head.toString("latin1", 0, 2) === "MZ") return "PE";
  return "unknown";
}

function build(args: string[], env: Record<string, string> = {}) {
  return Bun.spawnSync([process.execPath, "run", join(REPO_ROOT, "build.ts"), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** The Linux builds embed the exec helper, compiled from native/ with the system's C compilers. */
const missingCompiler = firstMissing(...Object.keys(TARGETS).map(missingHelperCompiler));

describe("build.ts", () => {
  testNeeding(missingCompiler, "builds the six named executables and a SHA256SUMS that sha256sum -c accepts", () => {
    const outdir = join(work, "all");
    const result = build(["--org-key", join(VECTORS, "org_public.pem"), "--outdir", outdir, "--version", "9.9.9"]);
    expect(result.exitCode).toBe(0);
    const formats = Object.fromEntries(
      readdirSync(outdir)
        .filter((name) => name !== "SHA256SUMS")
        .map((name) => [name, format(join(outdir, name))]),
    );
    expect(formats).toEqual({
      "sentinel-linux-x64": "ELF x86-64",
      "sentinel-linux-arm64": "ELF aarch64",
      "sentinel-linux-x64-musl": "ELF x86-64",
      "sentinel-darwin-x64": "Mach-O x86-64",
      "sentinel-darwin-arm64": "Mach-O arm64",
      "sentinel-windows-x64.exe": "PE",
    });
    const musl = Bun.spawnSync(["grep", "-c", "ld-musl-x86_64.so.1", join(outdir, "sentinel-linux-x64-musl")]);
    expect(musl.stdout.toString().trim()).not.toBe("0");
    const check = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: outdir });
    expect(check.stdout.toString().trim().split("\n")).toHaveLength(6);
    expect(check.exitCode).toBe(0);
    rmSync(outdir, { recursive: true });
  });

  testNeeding(missingCompiler, "the version and key are embedded; the env var can name the key", () => {
    const outdir = join(work, "host");
    const result = Bun.spawnSync(
      [
        process.execPath,
        "run",
        join(REPO_ROOT, "build.ts"),
        "--target",
        `bun-linux-${process.arch}`,
        "--outdir",
        outdir,
        "--version",
        "4.5.6",
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ORG_PUBLIC_KEY_PEM_FILE: join(VECTORS, "org_public.pem") },
      },
    );
    expect(result.exitCode).toBe(0);
    const version = Bun.spawnSync([join(outdir, `sentinel-linux-${process.arch}`), "--version"], { cwd: work });
    expect(version.stdout.toString()).toStartWith("sentinel 4.5.6 (LINUX_");
  });

  test.each([
    [
      "RSA",
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      "found an RSA key",
    ],
    ["P-384", { name: "ECDSA", namedCurve: "P-384" }, "found an EC P-384 key"],
  ] as const)("a %s key is refused before any build", async (name, algorithm, message) => {
    const pair = (await crypto.subtle.generateKey(algorithm as never, true, ["sign", "verify"])) as CryptoKeyPair;
    const pem = encodePem(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)), "PUBLIC KEY");
    const keyFile = join(work, `${name}.pem`);
    writeFileSync(keyFile, pem);
    const outdir = join(work, `refused-${name}`);
    const result = build(["--org-key", keyFile, "--outdir", outdir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain(message);
    expect(existsSync(outdir)).toBe(false);
  });

  test("a Linux release build without the C compiler for the exec helper is refused, naming the package", () => {
    const outdir = join(work, "no-compiler");
    const result = build(["--org-key", join(VECTORS, "org_public.pem"), "--outdir", outdir, "--target", "bun-linux-arm64"], {
      PATH: join(work, "empty-path"),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain(
      "build: the exec helper for bun-linux-arm64 needs a C compiler for arm64 (aarch64-linux-gnu-gcc; Debian package gcc-aarch64-linux-gnu)",
    );
    expect(existsSync(join(outdir, "sentinel-linux-arm64"))).toBe(false);
  });

  test("a missing key is refused", () => {
    const result = build(["--outdir", join(work, "nokey")]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain("--org-key <pem file> (or ORG_PUBLIC_KEY_PEM_FILE) is required");
  });
});

describe("a binary built without a usable key", () => {
  test("exits 78 with the spec's message", async () => {
    const outfile = join(work, "sentinel-nokey");
    const result = await Bun.build({
      entrypoints: [join(REPO_ROOT, "src/main.ts")],
      compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
      define: { SENTINEL_ORG_KEY_PEM: JSON.stringify("-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n") },
    });
    expect(result.success).toBe(true);
    for (const args of [["verify", "--license", join(VECTORS, "valid_standard.lic")], ["--version"]]) {
      const run = Bun.spawnSync([outfile, ...args], { env: { ...process.env, NO_COLOR: "1" } });
      expect(run.exitCode).toBe(78);
      expect(run.stderr.toString().trim()).toBe("sentinel error: this binary was built without an embedded organization public key");
    }
  });
});
