/**
 * The report of a plan folder (plan.csv, plan.yaml): the cost of every candidate in the order the
 * search met it, screened (one model's node counts, analytic) apart from confirmed (a whole fleet
 * run over the seeds), the chosen fleet ringed; the chosen node counts per pool and model against
 * the input fleet; and every candidate with the constraint it failed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError } from "../errors.js";
import { readFolderManifest } from "../output/folder-manifest.js";
import { esc } from "./escape.js";
import { fmtNumber, fmtUsd, num } from "./format.js";
import { figures, hint, page, section } from "./layout.js";
import { seriesStyle } from "./palette.js";
import { type Row, readTable } from "./read-run.js";
import { type ScatterSeries, scatterChart, shapeLegend } from "./scatter.js";
import { hbarChart, legend } from "./svg.js";
import { table } from "./tables.js";

const NODES = "nodes:";
const TTFT = ":ttft_p99_s";

interface Slot {
  column: string;
  pool: string;
  model: string;
}

interface PlanTables {
  rows: Row[];
  slots: Slot[];
  /** `tenant:model` of each target, in column order. */
  targets: string[];
  name: string;
  seeds: string;
}

/** Slot columns are `nodes:<pool>:<model>`; pool ids hold no colon, model ids might. */
function slotsOf(columns: string[]): Slot[] {
  return columns
    .filter((c) => c.startsWith(NODES))
    .map((column) => {
      const rest = column.slice(NODES.length);
      const at = rest.indexOf(":");
      return { column, pool: rest.slice(0, at), model: rest.slice(at + 1) };
    });
}

async function readPlan(dir: string): Promise<PlanTables> {
  const file = join(dir, "plan.csv");
  const rows = await readTable(dir, "plan.csv");
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  if (!columns.includes("stage") || !columns.includes("cost_usd")) {
    throw new InputError({ file, message: "has no stage or cost_usd column: not a fleetsim plan.csv" });
  }
  // The scenario's name and the seeds come from plan.yaml (its header names them); the page
  // does without them when the file is gone.
  let name = "";
  let seeds = "";
  const yamlText = await readFile(join(dir, "plan.yaml"), "utf8").catch(() => "");
  if (yamlText) {
    seeds = /\(seeds ([\d, ]+)\)/.exec(yamlText)?.[1] ?? "";
    try {
      const doc = parseYaml(yamlText) as { name?: unknown } | null;
      if (typeof doc?.name === "string") name = doc.name;
    } catch {
      // A plan.yaml edited into invalid YAML leaves the page without a name, nothing worse.
    }
  }
  if (!name) name = (await readFolderManifest(dir))?.command[1] ?? dir;
  return {
    rows,
    slots: slotsOf(columns),
    targets: columns.filter((c) => c.endsWith(TTFT)).map((c) => c.slice(0, -TTFT.length)),
    name,
    seeds,
  };
}

const isTrue = (v: string | undefined) => v === "true";
const candidate = (r: Row) => num(r.candidate);

/** Screened candidates: a series per model, each point the node cost of that model's slots. */
function screenChart(t: PlanTables): string {
  const screened = t.rows.filter((r) => r.stage === "screen");
  if (screened.length === 0) return "";
  const models = [...new Set(screened.map((r) => r.model ?? ""))];
  const series: ScatterSeries[] = models.map((m, i) => ({
    name: m,
    style: seriesStyle(i),
    points: screened
      .filter((r) => r.model === m)
      .map((r) => ({
        x: candidate(r),
        y: num(r.cost_usd),
        hollow: !isTrue(r.feasible),
        tip: `#${r.candidate} ${m}: ${nodesText(t, r, m)}${isTrue(r.feasible) ? " passed" : ` failed: ${r.failed ?? ""}`}`,
      })),
  }));
  return (
    scatterChart({
      title: "Screened candidates: node cost of one model's slots",
      xLabel: "candidate (the order the search met it)",
      yLabel: "node cost over the horizon (USD)",
      series,
      fmt: (v, p = 3) => `$${fmtNumber(+v.toPrecision(p), 2)}`,
    }) + legend(series, shapeLegend("passed the screen", "failed the screen"))
  );
}

/** Confirmed fleets: run cost with its 95 % interval over the seeds, the chosen one ringed. */
function confirmChart(t: PlanTables): string {
  const confirmed = t.rows.filter((r) => r.stage === "confirm");
  if (confirmed.length === 0) return "<p>No fleet reached confirmation.</p>";
  const series: ScatterSeries[] = [
    {
      name: "confirmed fleet",
      style: seriesStyle(0),
      points: confirmed.map((r) => {
        const ci = num(r.cost_usd_ci95);
        const y = num(r.cost_usd);
        return {
          x: candidate(r),
          y,
          low: Number.isFinite(ci) ? y - ci : undefined,
          high: Number.isFinite(ci) ? y + ci : undefined,
          hollow: !isTrue(r.feasible),
          highlight: isTrue(r.chosen) ? "chosen" : undefined,
          tip: `#${r.candidate}: ${isTrue(r.feasible) ? "meets every target" : `fails: ${r.failed ?? ""}`}`,
        };
      }),
    },
  ];
  return (
    scatterChart({
      title: "Confirmed fleets: infrastructure cost",
      xLabel: "candidate (the order the search met it)",
      yLabel: "cost over the horizon (USD)",
      series,
      fmt: (v, p = 3) => `$${fmtNumber(+v.toPrecision(p + 1), 2)}`,
      zero: false,
    }) +
    legend([], shapeLegend("meets every target in every seed", "fails a target", "the chosen fleet")) +
    hint(
      "The y axis is zoomed to the confirmed fleets: read the tick values, not the heights. " +
        "Whiskers are 95 % intervals over the seeds (often narrower than the dot: the seeds change the requests, not the nodes).",
    )
  );
}

/** Node counts of one row, for the slots it sets (a screen row sets only its model's). */
function nodesText(t: PlanTables, r: Row, model?: string): string {
  return t.slots
    .filter((s) => (r[s.column] ?? "") !== "" && (model === undefined || s.model === model))
    .map((s) => (model === undefined ? `${s.pool}/${s.model} ${r[s.column]}` : `${s.pool} ${r[s.column]}`))
    .join(", ");
}

function fleetSection(t: PlanTables, chosen: Row | undefined, input: Row | undefined): string {
  if (!chosen) return section("Chosen fleet", "<p>The plan chose no fleet.</p>");
  const series = input ? [{ name: "input fleet" }, { name: "chosen fleet" }] : [{ name: "chosen fleet" }];
  const chart = hbarChart({
    title: "Nodes per pool and model: input and chosen",
    xLabel: "nodes",
    series,
    rows: t.slots.map((s) => {
      const now = num(chosen[s.column]);
      const was = input ? num(input[s.column]) : Number.NaN;
      return {
        label: `${s.pool} · ${s.model}`,
        values: input ? [was, now] : [now],
        note: input ? `${was} → ${now}` : String(now),
      };
    }),
    fmt: (v) => (Number.isInteger(v) ? String(v) : ""),
  });
  const perTarget = table(t.targets, [
    { head: "target (tenant · model)", cell: (k) => k.replace(":", " · ") },
    { head: "TTFT p99 (s)", cell: (k) => withCi(chosen, `${k}:ttft_p99_s`, 3), numeric: true },
    { head: "TPOT p99 (ms)", cell: (k) => withCi(chosen, `${k}:tpot_p99_ms`, 1), numeric: true },
    { head: "attainment (%)", cell: (k) => withCi(chosen, `${k}:attainment`, 2, 100), numeric: true },
  ]);
  const note = input
    ? hint(
        `The input fleet is the scenario's own (row 0 of plan.csv, not evaluated); its sized slots cost ${fmtUsd(num(input.cost_usd))} in nodes over the horizon.`,
      )
    : hint("This plan.csv has no input row (written by an older fleetsim): the chosen counts alone.");
  return section(
    "Chosen fleet against the input fleet",
    chart +
      legend(series) +
      note +
      hint(
        "The chosen fleet's p99 latencies and attainment per target: means over the seeds ± 95 % half-width.",
      ) +
      perTarget,
  );
}

/** A mean and its 95 % half-width at `digits` decimals; a half-width that rounds to 0 is left out. */
function withCi(r: Row, column: string, digits: number, scale = 1): string {
  const m = num(r[column]) * scale;
  const h = num(r[`${column}_ci95`]) * scale;
  if (!Number.isFinite(m)) return "–";
  const hs = fmtNumber(h, digits);
  return Number.isFinite(h) && Number(hs) !== 0 ? `${fmtNumber(m, digits)} ± ${hs}` : fmtNumber(m, digits);
}

function verdict(r: Row): string {
  if (r.stage === "input") return "input fleet";
  if (isTrue(r.chosen)) return "chosen";
  if (r.stage === "screen") return isTrue(r.feasible) ? "passed" : "failed";
  return isTrue(r.feasible) ? "feasible" : "infeasible";
}

function candidateTable(t: PlanTables): string {
  return table(t.rows, [
    { head: "#", cell: (r: Row) => r.candidate ?? "", numeric: true },
    { head: "stage", cell: (r) => r.stage ?? "" },
    {
      head: "nodes (a screened row sizes one model's slots, the others whole fleets)",
      cell: (r) => (r.stage === "screen" ? `${r.model}: ${nodesText(t, r, r.model)}` : nodesText(t, r)),
    },
    { head: "cost", cell: (r) => usdWithCi(r), numeric: true },
    { head: "margin", cell: (r) => fmtUsd(num(r.margin_usd)), numeric: true },
    { head: "result", cell: verdict },
    { head: "failed constraint", cell: (r) => r.failed ?? "" },
  ]);
}

function usdWithCi(r: Row): string {
  const h = num(r.cost_usd_ci95);
  const half = !Number.isFinite(h) ? "" : h < 0.005 ? " ± < $0.01" : ` ± ${fmtUsd(h)}`;
  return `${fmtUsd(num(r.cost_usd))}${half}`;
}

export async function buildPlanReport(dir: string): Promise<string> {
  const t = await readPlan(dir);
  const chosen = t.rows.find((r) => isTrue(r.chosen));
  const input = t.rows.find((r) => r.stage === "input");
  const screened = t.rows.filter((r) => r.stage === "screen").length;
  const confirmed = t.rows.filter((r) => r.stage === "confirm").length;
  const items: [string, string][] = [
    ["chosen fleet cost", chosen ? usdWithCi(chosen) : "none found"],
    ["chosen fleet margin", chosen ? fmtUsd(num(chosen.margin_usd)) : "–"],
    ["input fleet: node cost of the sized slots", input ? fmtUsd(num(input.cost_usd)) : "–"],
    ["candidates screened", fmtNumber(screened, 0)],
    ["fleets confirmed", fmtNumber(confirmed, 0)],
    [
      "confirmed fleets meeting every target",
      fmtNumber(t.rows.filter((r) => r.stage === "confirm" && isTrue(r.feasible)).length, 0),
    ],
  ];
  const head =
    `<h1>fleetsim plan report: ${esc(t.name)}</h1>` +
    `<p class="sub">${t.seeds ? `seeds ${esc(t.seeds)}, ` : ""}from ${esc(dir)}</p>` +
    figures(items);
  const frontier =
    hint(
      "The search screens one model's node counts at a time with an analytic model (cheap, in order of node cost), " +
        "then confirms whole fleets request by request over the seeds; the chosen fleet meets every target in every seed. " +
        "The two stages are drawn apart: a screened cost covers one model's slots, a confirmed cost the whole fleet's run.",
    ) +
    confirmChart(t) +
    screenChart(t);
  return page(
    `fleetsim plan report: ${t.name}`,
    head +
      section("Cost of the candidates", frontier) +
      fleetSection(t, chosen, input) +
      section("Candidates", candidateTable(t)),
  );
}
