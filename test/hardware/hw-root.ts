// Test roots for the Linux collector: writable copies of the shared fixture roots
// (optionally with real sysfs symlinks restored), edited per case, removed after.
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { VECTORS } from "../support/paths.ts";

export const FIXTURE_ROOTS = ["hwroot", "hwroot-nvme", "hwroot-arm"] as const;
export type FixtureRoot = (typeof FIXTURE_ROOTS)[number];

const made: string[] = [];

/** Each test file that copies roots registers this with afterAll (a module is loaded once, files are many). */
export function removeCopiedRoots(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function vectorRoot(name: FixtureRoot): string {
  return join(VECTORS, name);
}

export function expectedFingerprint(name: FixtureRoot): string {
  return readFileSync(join(VECTORS, `${name}.expected`), "utf8").trim();
}

/** The vectors are read-only on disk: copies get owner write so cases can edit them. */
function makeWritable(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.isDirectory() ? 0o755 : 0o644);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

export function copyFixtureRoot(name: FixtureRoot): string {
  const root = mkdtempSync(join(tmpdir(), `sentinel-${name}-`));
  made.push(root);
  cpSync(vectorRoot(name), root, { recursive: true });
  makeWritable(root);
  return root;
}

export function writeUnder(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

export function removeUnder(root: string, path: string): void {
  rmSync(join(root, path), { recursive: true, force: true });
}

/**
 * Turns the flattened links back into real sysfs shape: every /sys/class/block
 * entry becomes a symlink to its recorded target, and /sys/block/<disk> becomes a
 * symlink into the device tree with the serial moved there, as the kernel lays it out.
 */
export function restoreSysfsLinks(root: string): void {
  const classBlock = join(root, "sys/class/block");
  for (const name of readdirSync(classBlock)) {
    const target = readFileSync(join(classBlock, name), "utf8").trim();
    unlinkSync(join(classBlock, name));
    symlinkSync(target, join(classBlock, name));
  }
  const block = join(root, "sys/block");
  for (const disk of readdirSync(block)) {
    const classTarget = readlinkSync(join(classBlock, disk));
    const device = posix.resolve("/sys/class/block", classTarget);
    renameSync(join(block, disk, "serial"), join(root, device, "serial"));
    rmSync(join(block, disk), { recursive: true });
    symlinkSync(posix.relative("/sys/block", device), join(block, disk));
  }
}
