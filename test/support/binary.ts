// The compiled test build (spec 10) that e2e tests run as a customer would:
// built once per test process with the vectors' org key and --test-build.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSentinel } from "../../build.ts";
import { missingHelperCompiler } from "../../native/compile-exec-helper.ts";
import { REPO_ROOT, VECTORS } from "./paths.ts";

const HOST_TARGET = `bun-${process.platform}-${process.arch}`;
const OUTDIR = join(REPO_ROOT, "dist", "test");
let building: Promise<string> | undefined;

/**
 * What this host lacks to build the Linux exec helper (a C compiler): without it a test build
 * launches without the parent-death signal, and a release build is refused.
 */
export const MISSING_EXEC_HELPER = missingHelperCompiler(HOST_TARGET);

/** Path of the test binary, built on first use (set SENTINEL_TEST_BINARY to reuse one). */
export function testBinary(): Promise<string> {
  const prebuilt = process.env.SENTINEL_TEST_BINARY;
  if (prebuilt && existsSync(prebuilt)) return Promise.resolve(prebuilt);
  building ??= buildSentinel({
    orgKeyPem: readFileSync(join(VECTORS, "org_public.pem"), "utf8"),
    version: "0.0.0-test",
    targets: [HOST_TARGET],
    outdir: OUTDIR,
    testBuild: true,
  }).then(([path]) => path as string);
  return building;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the test binary to completion with the given args and extra env. */
export async function runSentinel(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<RunResult> {
  const proc = Bun.spawn([await testBinary(), ...args], {
    env: { ...process.env, NO_COLOR: "1", SENTINEL_TEST_BUN: process.execPath, ...options.env },
    cwd: options.cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { exitCode, stdout, stderr };
}
