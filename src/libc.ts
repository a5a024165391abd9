// libc through bun:ffi, for the few calls Bun has no API for (memory guard, the
// exec helper's memfd). Opened per symbol, so one missing symbol costs only its caller.
import { dlopen, type FFIFunction } from "bun:ffi";

/** Where libc may be: glibc, then musl on Linux; libSystem on macOS. */
export function libcCandidates(): string[] {
  if (process.platform === "darwin") return ["/usr/lib/libSystem.B.dylib", "libc.dylib"];
  if (process.platform !== "linux") return [];
  const musl = process.arch === "arm64" ? "aarch64" : "x86_64";
  return ["libc.so.6", `/lib/ld-musl-${musl}.so.1`, `libc.musl-${musl}.so.1`];
}

export type LibcFunction = (...args: unknown[]) => number;

/** One libc function, or a string saying why it is unavailable. */
export function libcFunction<F extends FFIFunction>(candidates: string[], name: string, signature: F): LibcFunction | string {
  if (candidates.length === 0) return `no libc reachable through bun:ffi on ${process.platform}`;
  for (const path of candidates) {
    try {
      return dlopen(path, { [name]: signature } as Record<string, F>).symbols[name] as unknown as LibcFunction;
    } catch {
      // Try the next libc name: glibc, then musl.
    }
  }
  return `${name} not found in ${candidates.join(", ")}`;
}
