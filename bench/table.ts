// The bench's result rows and their Markdown table. Pure: no measuring here.

/** A ratio's target: at most `max`, or at least `min`. */
export type Target = { max: number } | { min: number };

export interface Row {
  measurement: string;
  /** The sentinel's absolute figure. */
  sentinel: string;
  /** The baseline's absolute figure, measured in the same run. */
  baseline: string;
  /** sentinel ÷ baseline; null where the figure is absolute (a count, a percentage). */
  ratio: number | null;
  /** Shown in the target column. */
  target: string;
  /** Whether the target is met; null when there is no target. */
  met: boolean | null;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

export function ratioRow(measurement: string, sentinel: string, baseline: string, ratio: number, target?: Target): Row {
  if (!target) return { measurement, sentinel, baseline, ratio, target: "—", met: null };
  if ("max" in target) return { measurement, sentinel, baseline, ratio, target: `≤ ${fmt(target.max)}×`, met: ratio <= target.max };
  return { measurement, sentinel, baseline, ratio, target: `≥ ${fmt(target.min)}×`, met: ratio >= target.min };
}

export function renderTable(rows: Row[]): string {
  const header = ["measurement", "sentinel", "baseline (same run)", "ratio", "target", "met"];
  const cells = rows.map((row) => [
    row.measurement,
    row.sentinel,
    row.baseline,
    row.ratio === null ? "—" : `${fmt(row.ratio, 2)}×`,
    row.target,
    row.met === null ? "—" : row.met ? "yes" : "**no**",
  ]);
  return [header, header.map(() => "---"), ...cells].map((line) => `| ${line.join(" | ")} |`).join("\n");
}
