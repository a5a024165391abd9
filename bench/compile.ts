// Compiles what the bench runs: the sentinel test build (through build.ts), the
// bare baselines in bench/, and release builds with and without minify/bytecode.
// Writes only into the bench's own temporary directory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSentinel } from "../build.ts";
import { VECTORS } from "../test/support/paths.ts";

const HOST_TARGET = `bun-${process.platform}-${process.arch}`;
const ORG_KEY_PEM = readFileSync(join(VECTORS, "org_public.pem"), "utf8");

/** The sentinel test build for this host with the vectors' org key, as the e2e tests run it (but not in dist/, which tests share). */
export async function compileTestSentinel(outdir: string): Promise<string> {
  const [path] = await buildSentinel({ orgKeyPem: ORG_KEY_PEM, version: "0.0.0-bench", targets: [HOST_TARGET], outdir, testBuild: true });
  return path as string;
}

async function compile(config: Bun.BuildConfig, what: string): Promise<void> {
  const result = await Bun.build(config);
  if (!result.success) throw new AggregateError(result.logs, `cannot compile ${what}`);
}

/** A baseline from bench/, as `bun build --compile <file>` makes it. */
export async function compileBaseline(file: string, outfile: string): Promise<string> {
  await compile({ entrypoints: [join(import.meta.dir, file)], compile: { outfile } }, file);
  return outfile;
}

export interface Variant {
  minify: boolean;
  bytecode: boolean;
}

export const VARIANTS: Variant[] = [
  { minify: false, bytecode: false },
  { minify: true, bytecode: false },
  { minify: false, bytecode: true },
  { minify: true, bytecode: true },
];

export const variantName = ({ minify, bytecode }: Variant): string =>
  [minify ? "--minify" : "", bytecode ? "--bytecode" : ""].filter(Boolean).join(" ") || "neither";

/** A release build for this host (build.ts) with only `minify` and `bytecode` chosen. */
export async function compileVariant(variant: Variant, outdir: string): Promise<string> {
  const [path] = await buildSentinel({
    orgKeyPem: ORG_KEY_PEM,
    version: "0.0.0-bench",
    targets: [HOST_TARGET],
    outdir,
    testBuild: false,
    ...variant,
  });
  return path as string;
}
