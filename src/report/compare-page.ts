/**
 * The report of a compare folder: the paired difference B − A of each headline figure with its
 * 95 % interval, relative to A's mean so that dollars, fractions and seconds share one axis, and
 * the absolute figures in a table.
 */
import { esc } from "./escape.js";
import { type Figure, figureFormat, HEADLINE } from "./figures.js";
import { num } from "./format.js";
import { hint, page, section } from "./layout.js";
import { type Row, readTable } from "./read-run.js";
import { forestChart } from "./svg.js";
import { table } from "./tables.js";

const fmtRel = (v: number) => (Number.isFinite(v) ? `${v > 0 ? "+" : ""}${+v.toPrecision(3)} %` : "–");

export async function buildCompareReport(dir: string): Promise<string> {
  const [rows, runs] = await Promise.all([readTable(dir, "compare.csv"), readTable(dir, "runs.csv")]);
  const byFigure = new Map(rows.map((r) => [r.figure ?? "", r]));
  const known = HEADLINE.filter((f) => byFigure.has(f.column));
  const rel = (r: Row, c: string) => {
    const a = Math.abs(num(r.a_mean));
    return a > 0 ? (num(r[c]) / a) * 100 : Number.NaN;
  };
  const forest = forestChart({
    title: "Paired difference B − A, relative to A",
    xLabel: "B − A as % of A's mean (95 % CI over paired seeds)",
    rows: known.map((f) => {
      const r = byFigure.get(f.column)!;
      return {
        label: f.label,
        mean: rel(r, "diff_mean"),
        low: rel(r, "diff_ci95_low"),
        high: rel(r, "diff_ci95_high"),
        note: `${fmtRel(rel(r, "diff_mean"))}${r.diff_significant === "yes" ? " *" : ""}`,
      };
    }),
    fmt: fmtRel,
  });
  const fmtOf = (r: Row): ((v: number) => string) => {
    const f: Figure | undefined = HEADLINE.find((h) => h.column === r.figure);
    return f
      ? (v) => figureFormat(f)(v * (f.scale ?? 1))
      : (v) => (Number.isFinite(v) ? `${+v.toPrecision(6)}` : "–");
  };
  const withCi = (side: string) => (r: Row) => {
    const f = fmtOf(r);
    return `${f(num(r[`${side}_mean`]))} [${f(num(r[`${side}_ci95_low`]))}, ${f(num(r[`${side}_ci95_high`]))}]`;
  };
  const tbl = table(rows, [
    { head: "figure", cell: (r: Row) => r.figure ?? "" },
    { head: "A (95 % CI)", cell: withCi("a"), numeric: true },
    { head: "B (95 % CI)", cell: withCi("b"), numeric: true },
    { head: "B − A (95 % CI)", cell: withCi("diff"), numeric: true },
    { head: "interval excludes 0", cell: (r) => r.diff_significant ?? "", numeric: true },
  ]);
  const first = rows[0] ?? {};
  const seeds = first.seeds ?? String(new Set(runs.map((r) => r.seed)).size);
  const head =
    `<h1>fleetsim compare report: ${esc(first.a_scenario ?? "A")} vs ${esc(first.b_scenario ?? "B")}</h1>` +
    `<p class="sub">A = ${esc(first.a_scenario ?? "")}, B = ${esc(first.b_scenario ?? "")}, ${esc(seeds)} paired seeds, from ${esc(dir)}</p>` +
    hint(
      "Both scenarios ran on the same seeds (common random numbers), so each difference is taken seed by seed; " +
        "a * marks an interval that excludes 0 (the difference is not seed noise). Figures where A's mean is 0 have no relative difference.",
    );
  return page(
    `fleetsim compare report: ${first.a_scenario ?? "A"} vs ${first.b_scenario ?? "B"}`,
    head + section("Differences", forest) + section("Figures", tbl),
  );
}
