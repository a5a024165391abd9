// Where Windows keeps its own tools (spec 12.5): asked of the OS through kernel32's
// GetSystemDirectoryW (bun:ffi), never taken from SystemRoot, windir or PATH, which
// the user running the sentinel can set to a folder of their own.
import { dlopen, type FFIFunction } from "bun:ffi";
import { describeError } from "../errors.ts";

/** `UINT GetSystemDirectoryW(LPWSTR lpBuffer, UINT uSize)`. */
export const GET_SYSTEM_DIRECTORY_W = { args: ["ptr", "u32"], returns: "u32" } as const satisfies FFIFunction;

/** The call as a function of a UTF-16 buffer and its size in characters; returns what the API returns. */
export type GetSystemDirectoryW = (buffer: Uint16Array, size: number) => number;

/** MAX_PATH is 260; long-path systems may exceed it, so room for the longest path Windows allows. */
const CAPACITY = 32_768;

/**
 * The API's answer: on success the length copied (without the NUL), else 0 (failure) or
 * the size needed (buffer too small). Only a success within the buffer is a directory.
 */
export function decodeSystemDirectory(buffer: Uint16Array, returned: number): string | null {
  if (!Number.isInteger(returned) || returned <= 0 || returned >= buffer.length) return null;
  const text = new TextDecoder("utf-16le").decode(buffer.subarray(0, returned));
  // An absolute drive or UNC path, nothing relative: the tools are run from it.
  return /^([A-Za-z]:\\|\\\\)/.test(text) && !text.includes("\0") ? text.replace(/\\+$/, "") : null;
}

function kernel32(): GetSystemDirectoryW {
  const lib = dlopen("kernel32.dll", { GetSystemDirectoryW: GET_SYSTEM_DIRECTORY_W });
  return (buffer, size) => lib.symbols.GetSystemDirectoryW(buffer, size);
}

let cached: string | undefined;

/** The system directory (`C:\Windows\System32`), asked once per process; throws with the reason when it cannot be. */
export function windowsSystemDirectory(call: () => GetSystemDirectoryW = kernel32): string {
  if (cached !== undefined && call === kernel32) return cached;
  let found: string | null;
  try {
    const buffer = new Uint16Array(CAPACITY);
    found = decodeSystemDirectory(buffer, call()(buffer, buffer.length));
  } catch (error) {
    throw new Error(`cannot ask Windows for its system directory: ${describeError(error)}`);
  }
  if (found === null) throw new Error("cannot ask Windows for its system directory: GetSystemDirectoryW gave no usable path");
  if (call === kernel32) cached = found;
  return found;
}
