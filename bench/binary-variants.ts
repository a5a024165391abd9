// Figure 8: binary size and `--version` start-up of release builds with and
// without --minify and --bytecode, each against the build with neither.
import { statSync } from "node:fs";
import { join } from "node:path";
import { compileVariant, VARIANTS, type Variant, variantName } from "./compile.ts";
import { compareRuns, type Repetitions } from "./process-measure.ts";
import { fmt, type Row, ratioRow } from "./table.ts";

interface Measured {
  variant: Variant;
  mib: number;
  ms: number;
}

/** The better build: clearly faster to start (by more than 5%), else the smaller. */
export function pickBetter(measured: Measured[]): Measured {
  return measured.reduce((best, next) => {
    if (next.ms < best.ms * 0.95) return next;
    if (next.ms <= best.ms * 1.05 && next.mib < best.mib) return next;
    return best;
  });
}

export async function benchBinaryVariants(work: string, reps: Repetitions): Promise<{ rows: Row[]; verdict: string }> {
  const files: string[] = [];
  for (const [i, variant] of VARIANTS.entries()) files.push(await compileVariant(variant, join(work, `variant-${i}`)));
  const figures = await compareRuns(
    files.map((file) => ({ argv: [file, "--version"] })),
    { ...reps, rssRuns: 0 },
  );
  const measured: Measured[] = VARIANTS.map((variant, i) => ({
    variant,
    mib: statSync(files[i] as string).size / 1024 / 1024,
    ms: figures[i]?.ms ?? Number.NaN,
  }));
  const [plain] = measured as [Measured];
  const rows = measured.map(({ variant, mib, ms }) =>
    ratioRow(
      `release build, ${variantName(variant)}: \`--version\` start-up (size)`,
      `${fmt(ms)} ms (${fmt(mib)} MiB)`,
      `neither: ${fmt(plain.ms)} ms (${fmt(plain.mib)} MiB)`,
      ms / plain.ms,
    ),
  );
  const best = pickBetter(measured);
  const verdict =
    `Better build: ${variantName(best.variant)} — \`--version\` in ${fmt(best.ms)} ms (${fmt(best.ms / plain.ms, 2)}× the plain build), ` +
    `${fmt(best.mib)} MiB (${best.mib >= plain.mib ? "+" : ""}${fmt(best.mib - plain.mib)} MiB).`;
  return { rows, verdict };
}
