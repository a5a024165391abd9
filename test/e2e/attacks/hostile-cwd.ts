// A working directory planted by the customer to inject code or settings into the
// sentinel: a .env, a bunfig.toml preloading evil.ts, and evil.ts leaving a marker.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VECTORS } from "../../support/paths.ts";

export interface HostileDir {
  dir: string;
  /** True once evil.ts has run in any process. */
  evilRan(): boolean;
}

export function hostileWorkingDir(): HostileDir {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-hostile-"));
  const marker = join(dir, "evil-ran");
  writeFileSync(join(dir, "evil.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "injected");\n`);
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./evil.ts"]\n\n[run]\npreload = ["./evil.ts"]\n');
  // A test build that loaded this .env would take its fingerprint from the fixture root.
  writeFileSync(
    join(dir, ".env"),
    `SENTINEL_HW_ROOT=${join(VECTORS, "hwroot")}\nBUN_OPTIONS=--preload ./evil.ts\nNODE_OPTIONS=--require ./evil.ts\n`,
  );
  return { dir, evilRan: () => existsSync(marker) };
}
