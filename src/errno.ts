// The error code (`ENOENT`, `EACCES`, …) of a failed system call, read once here
// instead of a cast at every catch.

/** The `code` of an error thrown by node:fs, node:net or Bun, or undefined when it has none. */
export function errno(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
