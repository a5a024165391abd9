// Linux: the software must not outlive a SIGKILLed sentinel, and must be the file that
// was hashed. Bun.spawn runs no code between fork and exec, so the child first runs a
// tiny static helper (native/exec-helper.c, embedded by build.ts) from a sealed memfd:
// it sets the parent-death signal, checks the parent, and executes the open software fd.
import { dlopen } from "bun:ffi";
import { closeSync, writeSync } from "node:fs";
import { libcCandidates } from "../libc.ts";

declare const SENTINEL_EXEC_HELPER: string | undefined;

/** The helper's image for this build's target, base64; empty where there is none (not Linux, or run from source). */
const IMAGE = typeof SENTINEL_EXEC_HELPER === "string" ? SENTINEL_EXEC_HELPER : "";

/** Descriptor numbers in the child, fixed by the helper (see native/exec-helper.c). */
export const HANDSHAKE_FD = 3;
export const SOFTWARE_FD = 4;
export const HELPER_FD = 5;
/** Written to the handshake pipe once the helper runs; the pipe then closes at exec. */
export const HELPER_READY = "R";

const MFD_CLOEXEC = 1;
const MFD_ALLOW_SEALING = 2;
/** Linux 6.3+: executable even where vm.memfd_noexec makes memfds non-executable by default. Older kernels say EINVAL. */
const MFD_EXEC = 0x10;
const F_ADD_SEALS = 1033;
/** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: nobody can change it afterwards, not even us. */
const ALL_SEALS = 1 | 2 | 4 | 8;

/** A sealed, executable in-memory copy of the helper: its descriptor, or why there is none. */
export function execHelperMemfd(image: string = IMAGE): number | string {
  if (process.platform !== "linux") return "not Linux";
  if (image === "") return "this build has no exec helper";
  let libc: ReturnType<typeof open> | undefined;
  for (const path of libcCandidates()) {
    try {
      libc = open(path);
      break;
    } catch {
      // Try the next libc name: glibc, then musl.
    }
  }
  if (!libc) return "memfd_create not found in libc";
  const { memfd_create: memfdCreate, fcntl } = libc.symbols;
  const name = Buffer.from("sentinel-exec-helper\0");
  let fd = memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0) fd = memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return "memfd_create failed";
  const bytes = Buffer.from(image, "base64");
  if (writeSync(fd, bytes) === bytes.length && fcntl(fd, F_ADD_SEALS, ALL_SEALS) === 0) return fd;
  closeSync(fd);
  return "cannot write and seal the exec helper";
}

function open(path: string) {
  return dlopen(path, {
    memfd_create: { args: ["ptr", "u32"], returns: "i32" },
    fcntl: { args: ["i32", "i32", "i32"], returns: "i32" },
  });
}
