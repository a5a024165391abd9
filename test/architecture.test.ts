// The import graph of src/ (issue 16): arrows only go down the layers below, so no
// unit imports a higher one or a sibling of its own layer, and there is no circle.
// A read-only verb loads only what it uses: no DRM client, no STANDARD flow.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO_ROOT } from "./support/paths.ts";

const SRC = join(REPO_ROOT, "src");

/**
 * Lowest first. A module may import its own unit or any unit of a lower layer. A unit that
 * needs a sibling sits a layer above it: hardware below license (a v2 binding names hardware
 * components), license below ipc and state, sentinel's flows below the verbs built on them
 * (doctor, offline), cli.ts below main.ts; stdio.ts (synchronous writes) below log.ts, which writes through it.
 */
const LAYERS: string[][] = [
  ["stdio.ts"],
  ["errors.ts", "errno.ts", "log.ts", "build-info.ts", "platform.ts", "libc.ts", "duration.ts", "text"],
  ["crypto"],
  ["storage", "hardware", "org-key.ts"],
  ["license", "keystore", "drm", "process"],
  ["state", "ipc"],
  ["sentinel"],
  ["doctor", "offline"],
  ["commands"],
  ["cli.ts"],
  ["main.ts"],
];
const LAYER = new Map(LAYERS.flatMap((units, level) => units.map((unit) => [unit, level] as const)));

/** The unit of a path under src/: its top folder, or the file itself at the top. */
const unitOf = (path: string) => relative(SRC, path).split("/")[0] as string;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

interface Import {
  target: string;
  /** Loaded with the importing module (not `import()`, not erased as type-only). */
  eager: boolean;
}

const STATIC = /^(?:import|export)\s+(type\s+)?(?:([^;]*?)\s+from\s+)?"(\.{1,2}\/[^"]+)"/gm;
const DYNAMIC = /import\s*\(\s*"(\.{1,2}\/[^"]+)"/g;
/** `{ type A, type B }`: every name is a type, so the import is erased. */
const onlyTypes = (clause: string | undefined) =>
  clause !== undefined &&
  /^\{[^}]*\}$/s.test(clause) &&
  clause
    .slice(1, -1)
    .split(",")
    .every((name) => /^\s*(type\s|$)/.test(name));

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const at = (path: string) => resolve(dirname(file), path);
  return [
    ...[...text.matchAll(STATIC)].map((m) => ({ target: at(m[3] as string), eager: !m[1] && !onlyTypes(m[2]) })),
    ...[...text.matchAll(DYNAMIC)].map((m) => ({ target: at(m[1] as string), eager: false })),
  ];
}

const FILES = sources(SRC);
const IMPORTS = new Map(FILES.map((file) => [file, importsOf(file)]));
const edges = FILES.flatMap((file) =>
  (IMPORTS.get(file) ?? []).map(({ target }) => ({ file: relative(SRC, file), from: unitOf(file), to: unitOf(target) })),
);

/** Every module `entry` loads with it, through static imports only. */
function eagerClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { target, eager } of IMPORTS.get(file) ?? []) if (eager) visit(target);
  };
  visit(join(SRC, entry));
  return seen;
}

describe("the import graph of src/", () => {
  test("every unit has a layer", () => {
    const unplaced = [...new Set(edges.flatMap((edge) => [edge.from, edge.to]))].filter((unit) => !LAYER.has(unit));
    expect(unplaced).toEqual([]);
  });

  test("every import resolves to a file", () => {
    const missing = FILES.flatMap((file) => (IMPORTS.get(file) ?? []).filter(({ target }) => !FILES.includes(target)));
    expect(missing).toEqual([]);
  });

  test("arrows only go down: no import of the same or a higher layer's other units", () => {
    const upward = edges
      .filter((edge) => edge.from !== edge.to && (LAYER.get(edge.to) ?? 99) >= (LAYER.get(edge.from) ?? -1))
      .map((edge) => `${edge.file} -> ${edge.to}`);
    expect(upward).toEqual([]);
  });

  // cli.ts is the `--version` path: it and what it loads statically run before any verb.
  test.each(["cli.ts", "commands/version.ts", "commands/status.ts", "commands/verify.ts", "commands/fingerprint.ts"])(
    "%s loads neither the DRM client nor the STANDARD flow",
    (entry) => {
      const heavy = [...eagerClosure(entry)]
        .map((file) => relative(SRC, file))
        .filter((file) => file.startsWith("drm/") || file === "sentinel/standard.ts");
      expect(heavy).toEqual([]);
    },
  );

  test("the closure check sees through static imports", () => {
    expect([...eagerClosure("sentinel/standard.ts")].map((file) => relative(SRC, file))).toContain("drm/client.ts");
  });
});
