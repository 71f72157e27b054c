/**
 * The files of a plan: plan.csv (every candidate evaluated), plan.yaml (the chosen fleet as a
 * scenario that runs as is: the input file with its fleet.pools replaced and its plan section
 * taken out, comments elsewhere kept) and the explanation printed after it.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { MeanInterval } from "../compare/confidence.js";
import { formatNumber } from "../output/csv.js";
import { csvText } from "../sweep/sweep-csv.js";
import { currentNodes } from "./fleet-space.js";
import { rebaseScenarioPaths } from "./rebase-paths.js";
import type { PlanOutcome } from "./search.js";

export const PLAN_CSV = "plan.csv";
export const PLAN_YAML = "plan.yaml";

const cell = (v: number | null | undefined, digits = 6) =>
  v === null || v === undefined || !Number.isFinite(v) ? "" : formatNumber(v, digits);
const mean = (m: MeanInterval | null) => cell(m?.mean);
const half = (m: MeanInterval | null) => cell(m?.halfWidth);

export function planCsv(o: PlanOutcome): string {
  const slotCols = o.space.slots.map((s) => `nodes:${s.pool}:${s.model}`);
  const routeCols = o.space.plan.routing.map((r) =>
    r.kind === "shares" ? `share:${r.model}:${r.keys[0]}` : `threshold:${r.model}`,
  );
  const targetCols = o.space.plan.targets.flatMap((t) => {
    const k = `${t.tenant}:${t.model}`;
    return [
      `${k}:ttft_p99_s`,
      `${k}:ttft_p99_s_ci95`,
      `${k}:tpot_p99_ms`,
      `${k}:tpot_p99_ms_ci95`,
      `${k}:attainment`,
      `${k}:attainment_ci95`,
    ];
  });
  const columns = [
    "candidate",
    "stage",
    "model",
    ...slotCols,
    ...routeCols,
    "cost_usd",
    "cost_usd_ci95",
    "margin_usd",
    "feasible",
    "failed",
    "chosen",
    ...targetCols,
  ];
  const chosenKey = `${o.nodes.join(",")}|${o.routes.join(",")}`;
  const routeCells = (routes: ReadonlyArray<number | null>) =>
    o.space.plan.routing.map((r, i) => {
      const v = routes[i];
      return v === null || v === undefined ? "" : String(r.values[v]);
    });
  const input = currentNodes(o.space);
  // Row 0 is the input fleet, not evaluated: its counts and the node cost of its sized slots,
  // so that a reader (and `fleetsim report`) can set the plan against what was there.
  const inputRow = [
    "0",
    "input",
    "",
    ...input.map(String),
    ...routeCols.map(() => ""),
    cell(slotNodeCost(o, input), 2),
    ...columns.slice(3 + input.length + routeCols.length + 1).map((c) => (c === "chosen" ? "false" : "")),
  ];
  const rows = o.candidates.map((c) => [
    String(c.id),
    c.stage,
    c.model ?? "",
    ...c.nodes.map((n) => (n === null ? "" : String(n))),
    ...routeCells(c.routes),
    cell(c.costUsd, 2),
    cell(c.result?.costUsd.halfWidth, 2),
    cell(c.marginUsd, 2),
    c.feasible ? "true" : "false",
    c.failed ?? "",
    c.stage === "confirm" && `${c.nodes.join(",")}|${c.routes.join(",")}` === chosenKey ? "true" : "false",
    ...(c.result
      ? c.result.targets.flatMap((t) => [
          mean(t.ttftP99S),
          half(t.ttftP99S),
          mean(t.tpotP99Ms),
          half(t.tpotP99Ms),
          mean(t.attainment),
          half(t.attainment),
        ])
      : targetCols.map(() => "")),
  ]);
  return csvText({ columns, rows: [inputRow, ...rows] });
}

/** Node cost over the horizon of the sized slots at these counts (what the screen orders by). */
function slotNodeCost(o: PlanOutcome, nodes: readonly number[]): number {
  return nodes.reduce((a, n, i) => a + n * o.space.slots[i]!.nodeCostUsd, 0);
}

/**
 * The input scenario file with the chosen pools in fleet.pools and no plan section, its relative
 * paths rewritten for `outDir`, the folder plan.yaml is written to.
 */
export function planYaml(o: PlanOutcome, outDir: string): string {
  const s = o.space.base;
  const doc = s.file ? parseDocument(readFileSync(s.file, "utf8")) : parseDocument("{}");
  if (s.file) rebaseScenarioPaths(doc, s.file, outDir);
  doc.delete("plan");
  doc.setIn(
    ["fleet", "pools"],
    doc.createNode(
      o.scenario.fleet.pools.map((p) => ({
        id: p.id,
        profile: p.profile,
        region: p.region,
        nodes: p.nodes,
        serves: p.serves.filter((v) => v.nodes > 0).map((v) => ({ model: v.model, nodes: v.nodes })),
        ...(p.reservedFor === null ? {} : { reserved_for: p.reservedFor }),
      })),
    ),
  );
  if (o.space.plan.routing.length > 0) writeRouting(doc, o);
  const header = `# Chosen by fleetsim plan from ${s.name}: the input scenario with this fleet (seeds ${o.seeds.join(", ")}).\n`;
  return header + doc.toString({ lineWidth: 0 });
}

/**
 * scheduler.model_routing with the chosen value of each searched entry in place of the model's
 * own. A side none of whose pools serves the model in the chosen fleet (a share of 0 to a pool
 * sized to 0 nodes) leaves the model without an entry: every request then goes to the pools that
 * serve it, which is what the router does with a side that has no replica.
 */
function writeRouting(doc: ReturnType<typeof parseDocument>, o: PlanOutcome): void {
  const pools = o.scenario.fleet.pools;
  const kindOf = new Map(o.space.base.profiles.map((p) => [p.id, p.kind]));
  const served = (model: string, key: string) =>
    pools.some(
      (p) =>
        (p.id === key || kindOf.get(p.profile) === key) &&
        p.serves.some((v) => v.model === model && v.nodes > 0),
    );
  const searched = new Set(o.space.plan.routing.map((r) => r.model));
  const current = doc.getIn(["scheduler", "model_routing"]);
  const kept = (
    current && typeof current === "object" && "toJSON" in current
      ? ((current as { toJSON(): unknown }).toJSON() as Array<{ model: string }>)
      : []
  ).filter((e) => !searched.has(e.model));
  const chosen = o.space.plan.routing.flatMap((r, i): object[] => {
    if (!r.keys.every((k) => served(r.model, k))) return [];
    const v = r.values[o.routes[i]];
    return r.kind === "shares"
      ? [{ model: r.model, shares: { [r.keys[0]]: v, [r.keys[1]]: Number((1 - v).toPrecision(12)) } }]
      : [{ model: r.model, by_prompt_length: { threshold: v, short: r.keys[0], long: r.keys[1] } }];
  });
  doc.setIn(["scheduler", "model_routing"], doc.createNode([...kept, ...chosen]));
}

/** What the plan chose and why, for the terminal. */
export function planExplanation(o: PlanOutcome, out: string): string {
  const space = o.space;
  const input = currentNodes(space);
  const lines: string[] = [];
  const usd = (v: number) => `${Math.round(v).toLocaleString("en-US")} USD`;
  const nodeCost = (nodes: number[]) => slotNodeCost(o, nodes);
  lines.push(
    `plan ${space.base.name}: ${space.plan.objective === "cost" ? "least cost" : "most margin"} fleet meeting every target over ${o.seeds.length} seeds`,
  );
  for (const pp of space.plan.pools) {
    const parts = space.slots
      .filter((s) => s.pool === pp.pool)
      .map((s) => `${s.model} ${input[s.index]} -> ${o.nodes[s.index]}`);
    lines.push(`  ${pp.pool}${pp.isNew ? " (new)" : ""} [${pp.profile}, ${pp.region}]: ${parts.join(", ")}`);
  }
  space.plan.routing.forEach((r, i) => {
    const v = r.values[o.routes[i]];
    lines.push(
      r.kind === "shares"
        ? `  ${r.model}: share ${v} to ${r.keys[0]}, ${Number((1 - v).toPrecision(12))} to ${r.keys[1]}`
        : `  ${r.model}: prompts above ${v} tokens to ${r.keys[1]}, the others to ${r.keys[0]}`,
    );
  });
  const ci = o.result.costUsd.halfWidth;
  lines.push(
    `infrastructure cost ${usd(o.result.costUsd.mean)}${ci === null ? "" : ` +- ${usd(ci)}`} over the horizon; node cost of the sized slots ${usd(nodeCost(o.nodes))} against ${usd(nodeCost(input))} for the input fleet`,
  );
  lines.push(`margin ${usd(o.result.marginUsd.mean)}`);
  lines.push("binding constraint per model (what one node fewer breaks):");
  for (const [model, why] of o.binding) lines.push(`  ${model}: ${why}`);
  const confirmed = o.candidates.filter((c) => c.stage === "confirm").length;
  const screened = o.candidates.length - confirmed;
  lines.push(
    `${screened} candidates screened, ${confirmed} fleets confirmed request by request (${o.runs} runs)`,
  );
  lines.push(`outputs: ${out} (plan.csv, plan.yaml, fleetsim.json)`);
  return `${lines.join("\n")}\n`;
}
