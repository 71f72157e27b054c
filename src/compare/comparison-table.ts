/**
 * A comparison as files (compare.csv: one row per figure; runs.csv: one row per run, for checking
 * the intervals by hand) and as the aligned text table `fleetsim compare` prints.
 */
import { relative } from "node:path";
import { int, num, type Table, text } from "../output/csv.js";
import { formatDuration } from "../output/summary-text.js";
import { excludesZero, type MeanInterval } from "./confidence.js";
import { FIGURES, type FigureUnit } from "./figures.js";
import type { Comparison } from "./run-comparison.js";

/** Decimals of every figure in the CSV files (money to the micro-dollar, fractions to 1e-6). */
const DIGITS = 6;

export function comparisonCsv(c: Comparison): Table {
  const columns = [
    "a_scenario",
    "b_scenario",
    "figure",
    "unit",
    "seeds",
    ...["a", "b", "diff"].flatMap((side) => [
      `${side}_mean`,
      `${side}_ci95_low`,
      `${side}_ci95_high`,
      `${side}_ci95_half_width`,
    ]),
    "diff_significant",
  ];
  const rows = c.figures.map((f) => {
    const cells = (iv: MeanInterval | null) => [
      num(iv?.mean ?? null, DIGITS),
      num(iv?.low ?? null, DIGITS),
      num(iv?.high ?? null, DIGITS),
      num(iv?.halfWidth ?? null, DIGITS),
    ];
    return [
      text(c.a.scenario.name),
      text(c.b.scenario.name),
      text(f.figure.id),
      text(f.figure.unit),
      int(c.seeds.length),
      ...cells(f.a),
      ...cells(f.b),
      ...cells(f.diff),
      text(excludesZero(f.diff) ? "yes" : "no"),
    ];
  });
  return { columns, rows };
}

export function runsCsv(c: Comparison): Table {
  const columns = ["side", "scenario", "seed", ...FIGURES.map((f) => f.id)];
  const rows = (["a", "b"] as const).flatMap((side) =>
    c[side].runs.map((s) => [
      text(side.toUpperCase()),
      text(s.scenario),
      int(s.seed),
      ...FIGURES.map((f) => num(f.of(s), DIGITS)),
    ]),
  );
  return { columns, rows };
}

/** The table printed to stdout. */
export function comparisonText(c: Comparison, outDir: string | null): string {
  const n = c.seeds.length;
  const where = (s: Comparison["a"]["scenario"]) =>
    `${s.name}  (${s.file ? relative(process.cwd(), s.file) : "in memory"}, horizon ${formatDuration(s.horizon)})`;
  const head = [
    `A  ${where(c.a.scenario)}`,
    `B  ${where(c.b.scenario)}`,
    `${n} seeds (${c.seeds[0]}..${c.seeds[n - 1]}), the same in A and B (common random numbers);` +
      ` mean ± 95 % CI half-width (Student t, ${n - 1} df)`,
  ];
  if (c.a.scenario.horizon !== c.b.scenario.horizon) {
    head.push("note: the horizons differ; money figures are totals over each scenario's own horizon");
  }
  const table: string[][] = [["figure", "A", "B", "B - A", ""]];
  for (const f of c.figures) {
    table.push([
      f.figure.label,
      showInterval(f.a, f.figure.unit, false),
      showInterval(f.b, f.figure.unit, false),
      showInterval(f.diff, f.figure.unit, true),
      excludesZero(f.diff) ? "*" : "",
    ]);
  }
  const widths = table[0].map((_, j) => Math.max(...table.map((r) => r[j].length)));
  const lines = table.map((r) =>
    r
      .map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j])))
      .join("  ")
      .trimEnd(),
  );
  lines.splice(
    1,
    0,
    widths
      .map((w) => "-".repeat(w))
      .join("  ")
      .trimEnd(),
  );
  const foot = ["* the 95 % interval of B - A excludes 0: the difference is not seed noise"];
  if (outDir !== null) foot.push(`outputs: ${outDir}`);
  return `${[...head, "", ...lines, "", ...foot].join("\n")}\n`;
}

function showInterval(iv: MeanInterval | null, unit: FigureUnit, signed: boolean): string {
  if (iv === null) return "-";
  const v = show(iv.mean, unit, signed);
  return iv.halfWidth === null ? v : `${v} ± ${show(iv.halfWidth, unit, false, true)}`;
}

/** Money in dollars, fractions in percent (differences of fractions in percentage points). */
function show(v: number, unit: FigureUnit, signed: boolean, bare = false): string {
  const sign = signed && v > 0 ? "+" : v < 0 ? "-" : "";
  const a = Math.abs(v);
  switch (unit) {
    case "usd":
      return `${sign}$${a.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case "fraction": {
      const unitText = signed || bare ? " pp" : " %";
      return `${sign}${(a * 100).toFixed(2)}${unitText}`;
    }
    case "index":
      return `${sign}${a.toFixed(4)}`;
    case "seconds":
      return `${sign}${a.toFixed(3)} s`;
    case "ms":
      return `${sign}${a.toFixed(2)} ms`;
    case "count":
      return `${sign}${Math.round(a).toLocaleString("en-US")}`;
  }
}
