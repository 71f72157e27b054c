/**
 * The report of a sweep folder (or a merge of its shards): each headline figure's mean and 95 %
 * interval per variant, drawn against the values of the first --vary axis, one line per
 * combination of the other axes' values.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { esc } from "./escape.js";
import { figureFormat, HEADLINE } from "./figures.js";
import { fmtNumber, num } from "./format.js";
import { hint, page, section } from "./layout.js";
import { type Row, readTable } from "./read-run.js";
import { type IntervalSeries, intervalChart, legend } from "./svg.js";
import { table } from "./tables.js";

interface Axis {
  path: string;
  values: string[];
}

interface SweepManifest {
  scenario: string;
  vary: Axis[];
  seeds: number;
  runs: number;
  horizon: string | null;
}

async function readManifest(dir: string): Promise<SweepManifest> {
  const file = join(dir, "sweep.json");
  let m: Partial<SweepManifest>;
  try {
    m = JSON.parse(await readFile(file, "utf8"));
  } catch {
    throw new InputError({ file, message: "missing or not JSON: not a sweep output folder" });
  }
  if (!Array.isArray(m.vary) || m.vary.length === 0)
    throw new InputError({ file, message: "has no `vary` axes" });
  return m as SweepManifest;
}

export async function buildSweepReport(dir: string): Promise<string> {
  const [m, rows] = await Promise.all([readManifest(dir), readTable(dir, "sweep.csv")]);
  const [first, ...others] = m.vary;
  // One line per combination of the other axes, in the order the variants come.
  const keyOf = (r: Row) => others.map((a) => `${a.path}=${r[a.path] ?? ""}`).join(", ");
  const lines = [...new Set(rows.map(keyOf))];
  const xs = first!.values;
  const figures = HEADLINE.filter((f) => `${f.column}_mean` in (rows[0] ?? {}));
  const charts = figures.map((f) => {
    const scale = f.scale ?? 1;
    const series: IntervalSeries[] = lines.map((key) => {
      const pick = (suffix: string) =>
        xs.map((v) => {
          const r = rows.find((row) => keyOf(row) === key && row[first!.path] === v);
          return r ? num(r[`${f.column}_${suffix}`]) * scale : Number.NaN;
        });
      return { name: key || f.label, mean: pick("mean"), low: pick("ci95_low"), high: pick("ci95_high") };
    });
    const chart = intervalChart({
      title: f.label,
      yLabel: f.axis,
      xLabel: first!.path,
      categories: xs,
      series,
      fmt: figureFormat(f),
    });
    return chart + (lines.length > 1 ? legend(series) : "");
  });
  const tbl = table(rows, [
    { head: "variant", cell: (r: Row) => r.variant ?? "" },
    ...m.vary.map((a) => ({ head: a.path, cell: (r: Row) => r[a.path] ?? "" })),
    { head: "runs", cell: (r: Row) => r.n ?? "", numeric: true },
    ...figures.slice(0, 6).map((f) => ({
      head: `${f.label} (95 % CI)`,
      cell: (r: Row) => {
        const v = (s: string) => figureFormat(f)(num(r[`${f.column}_${s}`]) * (f.scale ?? 1));
        return Number.isFinite(num(r[`${f.column}_ci95_low`]))
          ? `${v("mean")} [${v("ci95_low")}, ${v("ci95_high")}]`
          : v("mean");
      },
      numeric: true,
    })),
  ]);
  const head =
    `<h1>fleetsim sweep report: ${esc(m.scenario ?? "")}</h1>` +
    `<p class="sub">${esc(fmtNumber(rows.length, 0))} variants × ${esc(String(m.seeds))} seeds = ${esc(String(m.runs))} runs` +
    `${m.horizon ? `, horizon ${esc(m.horizon)}` : ""}, from ${esc(dir)}</p>` +
    hint(
      "Each point is a variant's mean over its seeds; the whiskers are its 95 % confidence interval (Student t over the seeds). " +
        "Axes are zoomed to the data: read the tick values, not the heights.",
    );
  return page(
    `fleetsim sweep report: ${m.scenario ?? ""}`,
    head + section("Headline figures by variant", charts.join("")) + section("Variants", tbl),
  );
}
