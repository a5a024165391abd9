// Build step for the exec helper (native/exec-helper.c): one static, libc-free
// executable per Linux CPU, made with the system's C compilers at every build.
// x64 and x64-musl share one image; non-Linux targets get none.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SOURCE = join(import.meta.dir, "exec-helper.c");

/** Compilers to try per CPU, and the Debian package that brings the first one. */
const COMPILERS: Record<string, { cc: string[]; debian: string }> = {
  x64: process.arch === "x64" ? { cc: ["gcc", "cc"], debian: "gcc" } : { cc: ["x86_64-linux-gnu-gcc"], debian: "gcc-x86-64-linux-gnu" },
  arm64:
    process.arch === "arm64" ? { cc: ["gcc", "cc"], debian: "gcc" } : { cc: ["aarch64-linux-gnu-gcc"], debian: "gcc-aarch64-linux-gnu" },
};

const FLAGS = [
  "-Os",
  "-static",
  "-nostdlib",
  "-ffreestanding",
  "-fno-builtin",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-fno-pie",
  "-no-pie",
  "-Wall",
  "-Wextra",
  "-Werror",
  "-s",
  "-Wl,--build-id=none",
  "-Wl,-z,max-page-size=4096",
  "-Wl,-z,noseparate-code",
];

const cache = new Map<string, string>();

/** The CPU of a `bun-linux-*` target, or undefined where the helper does not apply. */
export function helperCpu(target: string): "x64" | "arm64" | undefined {
  if (target.startsWith("bun-linux-x64")) return "x64";
  if (target.startsWith("bun-linux-arm64")) return "arm64";
  return undefined;
}

/** What is missing to build the helper for `target` (naming the Debian package), or undefined. */
export function missingHelperCompiler(target: string): string | undefined {
  const cpu = helperCpu(target);
  if (!cpu) return undefined;
  const { cc, debian } = COMPILERS[cpu] as { cc: string[]; debian: string };
  return cc.some((name) => Bun.which(name)) ? undefined : `a C compiler for ${cpu} (${cc.join(" or ")}; Debian package ${debian})`;
}

/** The helper's image for `target`, base64, or "" for a non-Linux target. Throws, naming the package, without a compiler. */
export function execHelperImage(target: string): string {
  const cpu = helperCpu(target);
  if (!cpu) return "";
  const cached = cache.get(cpu);
  if (cached !== undefined) return cached;
  const missing = missingHelperCompiler(target);
  if (missing) throw new Error(`the exec helper for ${target} needs ${missing}`);
  const compiler = (COMPILERS[cpu] as { cc: string[] }).cc.find((name) => Bun.which(name)) as string;
  const dir = mkdtempSync(join(tmpdir(), "sentinel-exec-helper-"));
  try {
    const out = join(dir, `exec-helper-${cpu}`);
    const result = Bun.spawnSync([compiler, ...FLAGS, "-o", out, SOURCE], { stdout: "pipe", stderr: "pipe" });
    if (result.exitCode !== 0) throw new Error(`${compiler} could not build the exec helper: ${result.stderr.toString().trim()}`);
    const image = readFileSync(out).toString("base64");
    cache.set(cpu, image);
    return image;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
