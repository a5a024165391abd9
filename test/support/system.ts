// Tests that need a system package (faketime, gnome-keyring, qemu, musl, a proxy daemon):
// on a machine without it they skip with one line naming the package, so `npm ci && npm test`
// passes on a fresh machine; CI sets SENTINEL_REQUIRE_SYSTEM_TESTS=1 and there a missing
// package fails the run instead of hiding a lost proof.

import { dlopen } from "bun:ffi";
import { describe, test } from "bun:test";

const REQUIRED = process.env.SENTINEL_REQUIRE_SYSTEM_TESTS === "1";

/** What is missing to run `command` (naming its Debian package), or undefined when it is on PATH. */
export function missingCommand(command: string, debianPackage: string): string | undefined {
  return Bun.which(command) ? undefined : `${command} (Debian package ${debianPackage})`;
}

/** What is missing to load `symbol` from the shared library `soname` (naming its Debian package), or undefined when it loads. */
export function missingLibrary(soname: string, symbol: string, debianPackage: string): string | undefined {
  try {
    dlopen(soname, { [symbol]: { args: [], returns: "void" } }).close();
    return undefined;
  } catch {
    return `${soname} (Debian package ${debianPackage})`;
  }
}

/** The first of several requirements that is missing, or undefined. */
export function firstMissing(...missing: (string | undefined)[]): string | undefined {
  return missing.find((reason) => reason !== undefined);
}

function announce(title: string, missing: string): void {
  console.warn(`skipped: ${title} — needs ${missing}`);
}

function requiredFailure(title: string, missing: string): void {
  test(`${title} [needs ${missing}]`, () => {
    throw new Error(`${missing} is not installed, and SENTINEL_REQUIRE_SYSTEM_TESTS=1 forbids skipping`);
  });
}

/** `describe` that runs when nothing is missing; else skips with a line naming it, or fails under CI. */
export function describeNeeding(missing: string | undefined, title: string, body: () => void): void {
  if (missing === undefined) describe(title, body);
  else if (REQUIRED) requiredFailure(title, missing);
  else {
    announce(title, missing);
    describe.skip(`${title} [skipped: needs ${missing}]`, body);
  }
}

/** `test` that runs when nothing is missing; else skips with a line naming it, or fails under CI. */
export function testNeeding(missing: string | undefined, title: string, body: Parameters<typeof test>[1], timeout?: number): void {
  if (missing === undefined) test(title, body, timeout);
  else if (REQUIRED) requiredFailure(title, missing);
  else {
    announce(title, missing);
    test.skip(`${title} [skipped: needs ${missing}]`, body);
  }
}
