// Which sentinel executable an attack runs, and where: a RELEASE build of the host
// target (spec 10: test switches compiled out), built once per test process, and a
// startSentinel wrapper that swaps the binary or the working directory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSentinel } from "../../../build.ts";
import type { RunResult } from "../../support/binary.ts";
import { REPO_ROOT, VECTORS } from "../../support/paths.ts";
import { startSentinel } from "../../support/sentinel-process.ts";

let building: Promise<string> | undefined;

/** A release build (testBuild: false) with the vectors' org key, as a vendor ships it. */
export function releaseBinary(): Promise<string> {
  building ??= buildSentinel({
    orgKeyPem: readFileSync(join(VECTORS, "org_public.pem"), "utf8"),
    version: "0.0.0-release",
    targets: [`bun-${process.platform}-${process.arch}`],
    // Next to the test build, overwritten each run: 100 MB per temp copy would pile up.
    outdir: join(REPO_ROOT, "dist", "release-test"),
    testBuild: false,
  }).then(([path]) => path as string);
  return building;
}

const quoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A `startSentinel` wrapper: startSentinel appends the test build and the args, which
 * `sh -c` sees as `$0` and `$@`; this execs `binary` instead of `$0` (when given) in `cwd`.
 */
export function execWrapper(options: { binary?: string; cwd?: string }): string[] {
  const cd = options.cwd ? `cd ${quoted(options.cwd)} && ` : "";
  return ["sh", "-c", `${cd}exec ${options.binary ? quoted(options.binary) : '"$0"'} "$@"`];
}

/** Runs to completion under `wrapper` (see execWrapper). */
export async function runWrapped(args: string[], env: Record<string, string | undefined>, wrapper: string[]): Promise<RunResult> {
  const sentinel = await startSentinel(args, env, wrapper);
  const exitCode = await sentinel.exited;
  return { exitCode, stdout: sentinel.stdout(), stderr: sentinel.stderr() };
}
