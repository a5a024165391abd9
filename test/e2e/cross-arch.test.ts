// Cross-architecture proof (spec 10, issue 7): the linux-arm64 test build under qemu-user and the
// linux-x64-musl one under Debian's musl loader give the host x64 build's answers. The tools come
// from .ci/cross-arch.sh; without them these tests skip locally and fail under CI.
import { afterAll, expect, test } from "bun:test";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSentinel } from "../../build.ts";
import { type RunResult, testBinary } from "../support/binary.ts";
import { VECTORS } from "../support/paths.ts";
import { describeNeeding } from "../support/system.ts";

const ARM_SYSROOT = "/usr/aarch64-linux-gnu";
const MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";
/** Debian lacks a musl libstdc++; .ci/cross-arch.sh puts a compat set here (see its comment). */
const MUSL_COMPAT_DIR = "/usr/local/lib/sentinel-musl-compat";
const QEMU = Bun.which("qemu-aarch64-static");
const SOFTWARE_STATUS = 3;

interface Entry {
  file: string;
  hwroot?: string;
  launch?: "ok" | "fingerprint-mismatch";
}
const manifest = JSON.parse(readFileSync(join(VECTORS, "manifest.json"), "utf8")) as Entry[];
const hwroots = [...new Set(manifest.flatMap((entry) => (entry.hwroot ? [entry.hwroot] : [])))];

interface Target {
  name: string;
  target: string;
  platform: string;
  /** The ELF interpreter the build must ask for, so the right libc is what runs. */
  interpreter: string;
  /** What is not installed, if anything. */
  missing: string | undefined;
  prefix: string[];
  env: Record<string, string>;
}

const hostIsX64 = process.platform === "linux" && process.arch === "x64";
const TARGETS: Target[] = [
  {
    name: "linux-arm64 under qemu-aarch64-static",
    target: "bun-linux-arm64",
    platform: "LINUX_ARM64",
    interpreter: "/lib/ld-linux-aarch64.so.1",
    missing: !hostIsX64
      ? "an x86_64 Linux host"
      : !QEMU
        ? "qemu-aarch64-static (qemu-user-static)"
        : !existsSync(join(ARM_SYSROOT, "lib/ld-linux-aarch64.so.1"))
          ? `the arm64 glibc in ${ARM_SYSROOT} (libc6-arm64-cross)`
          : undefined,
    prefix: QEMU ? [QEMU, "-L", ARM_SYSROOT] : [],
    env: {},
  },
  {
    name: "linux-x64-musl under Debian's musl loader",
    target: "bun-linux-x64-musl",
    platform: "LINUX_AMD64",
    interpreter: MUSL_LOADER,
    missing: !hostIsX64
      ? "an x86_64 Linux host"
      : !existsSync(MUSL_LOADER)
        ? `${MUSL_LOADER} (musl)`
        : !existsSync(join(MUSL_COMPAT_DIR, "ld-linux-x86-64.so.2"))
          ? `${MUSL_COMPAT_DIR} (made by .ci/cross-arch.sh)`
          : undefined,
    // The binary runs directly: its ELF interpreter is MUSL_LOADER.
    prefix: [],
    env: { LD_LIBRARY_PATH: MUSL_COMPAT_DIR },
  },
];

const workDir = mkdtempSync(join(tmpdir(), "sentinel-cross-arch-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
};

/** Both cross builds in one go (~2 s each), the same test build as testBinary() but for another target. */
const crossBuilds = once(async () => {
  const wanted = TARGETS.filter((target) => !target.missing);
  const paths = await buildSentinel({
    orgKeyPem: readFileSync(join(VECTORS, "org_public.pem"), "utf8"),
    version: "0.0.0-test",
    targets: wanted.map((target) => target.target),
    outdir: join(workDir, "dist"),
    testBuild: true,
  });
  return new Map(wanted.map((target, i) => [target.target, paths[i] as string]));
});

type Runner = (args: string[], env?: Record<string, string>) => Promise<RunResult>;

async function execute(argv: string[], env: Record<string, string>): Promise<RunResult> {
  const proc = Bun.spawn(argv, { env: { ...process.env, NO_COLOR: "1", ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { exitCode, stdout, stderr };
}

const hostRunner: Runner = async (args, env = {}) => execute([await testBinary(), ...args], env);

function targetRunner(target: Target): Runner {
  return async (args, env = {}) => {
    const binary = (await crossBuilds()).get(target.target) as string;
    return execute([...target.prefix, binary, ...args], { ...target.env, ...env });
  };
}

/** Runs `work` over `items` with at most `limit` at a time: qemu runs are CPU-heavy and the machine has 2 cores. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const verifyAll = (run: Runner) =>
  mapLimit(manifest, 2, async ({ file }) => ({ file, ...(await run(["verify", "--license", join(VECTORS, file)])) }));

const fingerprintAll = (run: Runner) =>
  mapLimit(hwroots, 2, async (root) => {
    const { exitCode, stdout } = await run(["fingerprint"], { SENTINEL_HW_ROOT: join(VECTORS, root) });
    return { root, exitCode, stdout };
  });

/** A tiny executable script as the licensed software: prints its arguments, exits SOFTWARE_STATUS. */
const software = once(async () => {
  const path = join(workDir, "software.sh");
  writeFileSync(path, `#!/bin/sh\necho "software ran with $*"\nexit ${SOFTWARE_STATUS}\n`);
  chmodSync(path, 0o755);
  return path;
});

/** Every HARDWARE_BOUND vector with a launch outcome, run on its fixture root in a private runtime dir. */
const launchAll = (run: Runner) =>
  mapLimit(
    manifest.filter((entry) => entry.launch),
    2,
    async ({ file, hwroot }) => {
      const runtimeDir = mkdtempSync(join(workDir, "run-"));
      const args = ["run", "--license", join(VECTORS, file), "--software", await software(), "--", "hello", file];
      const result = await run(args, { SENTINEL_HW_ROOT: join(VECTORS, hwroot as string), XDG_RUNTIME_DIR: runtimeDir });
      const socketDir = join(runtimeDir, "sentinel-drm");
      const left = existsSync(socketDir) ? readdirSync(socketDir) : [];
      return { file, exitCode: result.exitCode, stdout: result.stdout, lastError: result.stderr.trim().split("\n").at(-1), left };
    },
  );

const hostAnswers = {
  version: once(() => hostRunner(["--version"])),
  verify: once(() => verifyAll(hostRunner)),
  fingerprint: once(() => fingerprintAll(hostRunner)),
  launch: once(() => launchAll(hostRunner)),
};

for (const target of TARGETS) {
  // CI installs the tools first (.ci/cross-arch.sh): there a skip would hide a lost proof.
  describeNeeding(target.missing, target.name, () => {
    const run = targetRunner(target);

    test("the build is an ELF executable for its own loader", async () => {
      const binary = (await crossBuilds()).get(target.target) as string;
      const head = Buffer.alloc(4096);
      const fd = openSync(binary, "r");
      readSync(fd, head, 0, head.length, 0);
      closeSync(fd);
      expect(head.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
      expect(head.includes(`${target.interpreter}\0`)).toBe(true);
    }, 60_000);

    test("--version: the x64 build's version and key digest, its own platform", async () => {
      const [host, cross] = await Promise.all([hostAnswers.version(), run(["--version"])]);
      expect(host.exitCode).toBe(0);
      expect(cross.exitCode).toBe(0);
      expect(cross.stdout).toBe(host.stdout.replace("(LINUX_AMD64)", `(${target.platform})`));
      expect(cross.stdout).toContain(`(${target.platform})\norg key sha256: `);
    }, 60_000);

    test("verify: every vector gives the x64 build's exit code and output", async () => {
      const host = await hostAnswers.verify();
      const cross = await verifyAll(run);
      expect(cross).toEqual(host);
      expect(new Set(host.map((result) => result.exitCode))).toEqual(new Set([0, 65]));
    }, 180_000);

    test("fingerprint: each fixture root gives its .expected value", async () => {
      const cross = await fingerprintAll(run);
      expect(cross).toEqual(await hostAnswers.fingerprint());
      for (const { root, exitCode, stdout } of cross) {
        expect({ root, exitCode, v1: stdout.split("\n")[0] }).toEqual({
          root,
          exitCode: 0,
          v1: `fingerprint (v1): ${readFileSync(join(VECTORS, `${root}.expected`), "utf8").trim()}`,
        });
      }
    }, 60_000);

    test("run (HARDWARE_BOUND): launches the software and returns its status, refuses another machine's licence", async () => {
      const cross = await launchAll(run);
      expect(cross).toEqual(await hostAnswers.launch());
      for (const [i, entry] of manifest.filter((e) => e.launch).entries()) {
        const result = cross[i];
        if (entry.launch === "ok") {
          expect({ file: entry.file, exitCode: result?.exitCode }).toEqual({ file: entry.file, exitCode: SOFTWARE_STATUS });
          expect(result?.stdout).toBe(`software ran with hello ${entry.file}\n`);
        } else {
          expect({ file: entry.file, exitCode: result?.exitCode }).toEqual({ file: entry.file, exitCode: 65 });
          expect(result?.lastError).toBe("sentinel error: hardware fingerprint mismatch: this license is not valid for this machine");
        }
        expect(result?.left).toEqual([]);
      }
    }, 90_000);
  });
}
