// Builds one sentinel executable per OS/arch (spec 10) with the organisation
// public key and version baked in as build-time constants, plus SHA256SUMS.
//   bun run build.ts --org-key <pem> [--version v] [--target t ...] [--outdir dist] [--test-build]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { execHelperImage, missingHelperCompiler } from "./native/compile-exec-helper.ts";
import { parsePublicKeyPem } from "./src/crypto/pem.ts";
import { sha256Hex } from "./src/crypto/sha256.ts";

export const TARGETS: Record<string, string> = {
  "bun-linux-x64": "sentinel-linux-x64",
  "bun-linux-arm64": "sentinel-linux-arm64",
  "bun-linux-x64-musl": "sentinel-linux-x64-musl",
  "bun-darwin-x64": "sentinel-darwin-x64",
  "bun-darwin-arm64": "sentinel-darwin-arm64",
  "bun-windows-x64": "sentinel-windows-x64.exe",
};

/** Environment switches only test builds honour. */
const TEST_SWITCHES = ["SENTINEL_HW_ROOT", "SENTINEL_TEST_MINUTE_MS"];

export interface BuildOptions {
  orgKeyPem: string;
  /** Where the key came from, for the refusal message (a file name). */
  orgKeySource?: string;
  version: string;
  targets: string[];
  outdir: string;
  testBuild: boolean;
  /** Both on for every shipped build; the bench turns them off to measure what they buy. */
  minify?: boolean;
  bytecode?: boolean;
  /** JavaScriptCore tier-up scale at start (default START_JIT_POLICY; 1 is normal); the bench compares. */
  jitPolicy?: number;
}

/**
 * Start-up code runs once: a 10× reluctant JIT at start saves ~12% of a HARDWARE_BOUND
 * start's CPU, 2 MiB and a JIT thread (bench, issue 15). The launch sets it back to 1.
 */
export const START_JIT_POLICY = 10;

/** Builds every target; returns the paths written. Throws before building anything if the key is unusable. */
export async function buildSentinel(options: BuildOptions): Promise<string[]> {
  try {
    parsePublicKeyPem(options.orgKeyPem);
  } catch (error) {
    throw new Error(`unusable organisation key ${options.orgKeySource ?? "(PEM text)"}: ${(error as Error).message}`);
  }
  for (const target of options.targets)
    if (!TARGETS[target]) throw new Error(`unknown target: ${target} (known: ${Object.keys(TARGETS).join(", ")})`);
  mkdirSync(options.outdir, { recursive: true });
  const built: string[] = [];
  for (const target of options.targets) {
    const outfile = join(options.outdir, TARGETS[target] as string);
    const result = await Bun.build({
      entrypoints: [resolve(import.meta.dir, "src/main.ts")],
      // The customer must not be able to inject code or settings from the working directory.
      compile: {
        target: target as Bun.Build.CompileTarget,
        outfile,
        // The customer must not be able to inject code or settings: no .env or bunfig.toml
        // from the working directory, and no code compiled from strings at run time, which
        // also stops BUN_OPTIONS="--preload evil.ts" (our own code is embedded bytecode).
        autoloadDotenv: false,
        autoloadBunfig: false,
        execArgv: ["--disallow-code-generation-from-strings=strict"],
        jitPolicy: options.jitPolicy ?? START_JIT_POLICY,
      },
      // Bytecode halves start-up (measured by the bench). CommonJS, not ESM: an ES module
      // bundle links every node: built-in it names (node:tls, node:crypto, ...) before the
      // first line runs; CommonJS requires each where its module is first used (bench, issue 15).
      minify: options.minify ?? true,
      bytecode: options.bytecode ?? true,
      format: "cjs",
      sourcemap: "none",
      define: {
        SENTINEL_VERSION: JSON.stringify(options.version),
        SENTINEL_ORG_KEY_PEM: JSON.stringify(options.orgKeyPem),
        SENTINEL_TEST_BUILD: JSON.stringify(options.testBuild),
        // Linux: the static helper that starts the software (src/process/exec-helper.ts). A release
        // build needs it; a test build on a machine without the C compiler goes without (the
        // software then runs from its descriptor but without the parent-death signal).
        SENTINEL_EXEC_HELPER: JSON.stringify(options.testBuild && missingHelperCompiler(target) ? "" : execHelperImage(target)),
        // Release builds do not even name the test-only switches (spec 10).
        ...(options.testBuild ? {} : Object.fromEntries(TEST_SWITCHES.map((name) => [`process.env.${name}`, "undefined"]))),
      },
    });
    if (!result.success) throw new AggregateError(result.logs, `build failed for ${target}`);
    built.push(outfile);
  }
  const sums = built.map((file) => `${sha256Hex(readFileSync(file))}  ${basename(file)}\n`).join("");
  writeFileSync(join(options.outdir, "SHA256SUMS"), sums);
  return built;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      "org-key": { type: "string" },
      version: { type: "string" },
      target: { type: "string", multiple: true },
      outdir: { type: "string", default: "dist" },
      "test-build": { type: "boolean", default: false },
    },
  });
  const keyFile = values["org-key"] ?? process.env.ORG_PUBLIC_KEY_PEM_FILE;
  try {
    if (!keyFile) throw new Error("--org-key <pem file> (or ORG_PUBLIC_KEY_PEM_FILE) is required");
    const orgKeyPem = readFileSync(keyFile, "utf8");
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dir, "package.json"), "utf8")) as { version: string };
    const built = await buildSentinel({
      orgKeyPem,
      orgKeySource: keyFile,
      version: values.version ?? pkg.version,
      targets: values.target ?? Object.keys(TARGETS),
      outdir: values.outdir,
      testBuild: values["test-build"],
    });
    for (const file of built) process.stderr.write(`built ${file}\n`);
  } catch (error) {
    process.stderr.write(`build: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
