/**
 * `fleetsim profiles [ID]`: the hardware profiles found, or one profile's figures, sources and the
 * performance it gives every catalog model that fits (docs/service-model.md). Plain text.
 */
import { InputError } from "../../errors.js";
import { acceleratorMemoryBytes } from "../../fleet/memory.js";
import { fitProblem, nodesPerReplica, replicasPerNodes } from "../../fleet/placement.js";
import { serviceCurve } from "../../fleet/service-model.js";
import { vllmBatchDefaults } from "../../fleet/step-setup.js";
import { didYouMean } from "../../scenario/suggest.js";
import type { HardwareProfile, ModelSpec } from "../../scenario/types.js";

/** The context the per-model figures assume: a typical chat request. */
const TYPICAL_PROMPT_TOKENS = 1024;
const TYPICAL_OUTPUT_TOKENS = 256;
const KIND_TITLES: Record<HardwareProfile["kind"], string> = {
  gpu: "GPU nodes",
  maia: "Maia nodes",
  cobalt: "Cobalt (CPU) nodes",
};

export function profilesText(profiles: HardwareProfile[], models: ModelSpec[], id?: string): string {
  if (id === undefined) return overview(profiles);
  const profile = profiles.find((p) => p.id === id);
  if (!profile) {
    const ids = profiles.map((p) => p.id);
    throw new InputError({
      file: "profiles",
      message: `unknown hardware profile ${JSON.stringify(id)}${didYouMean(id, ids)} (known: ${ids.join(", ")})`,
    });
  }
  return detail(profile, models);
}

/** Rows of cells as aligned columns: text left-aligned, numbers right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-$\d.,/ ]+$/.test(r[i])));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const num = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const usd = (x: number) => `$${num(x, 2)}`;

function overview(profiles: HardwareProfile[]): string {
  const header = [
    "id",
    "accelerator",
    "acc/node",
    "memory GB/acc",
    "bandwidth TB/s/acc",
    "peak TFLOPS/acc",
    "power W idle-peak",
    "price/h",
  ];
  const parts: string[] = [];
  for (const kind of ["gpu", "maia", "cobalt"] as const) {
    const ofKind = profiles.filter((p) => p.kind === kind).sort((a, b) => a.id.localeCompare(b.id));
    if (ofKind.length === 0) continue;
    const rows = ofKind.map((p) => [
      p.id,
      p.accelerator,
      String(p.acceleratorsPerNode),
      num(p.memoryGbPerAccelerator),
      num(p.memoryBandwidthTbPerS, 2),
      num(p.peakTflops, 1),
      `${num(p.powerW.idle)}-${num(p.powerW.peak)}`,
      usd(p.priceUsdPerHour),
    ]);
    parts.push(`${KIND_TITLES[kind]}\n${table(header, rows)}`);
  }
  return `${parts.join("\n\n")}\n`;
}

function figures(p: HardwareProfile): string {
  const batch = vllmBatchDefaults(p, 1);
  const lines: Array<[string, string]> = [
    ["kind", p.kind],
    ["accelerator", p.accelerator],
    ["accelerators per node", String(p.acceleratorsPerNode)],
    [
      "memory per accelerator",
      `${num(p.memoryGbPerAccelerator, 1)} GiB (${num(acceleratorMemoryBytes(p) / 1e9, 1)} GB)`,
    ],
    ["bandwidth per accelerator", `${num(p.memoryBandwidthTbPerS, 3)} TB/s`],
    ["peak per accelerator", `${num(p.peakTflops, 1)} TFLOPS (dense)`],
    ["efficiency (roofline)", `compute ${p.efficiency.compute}, memory ${p.efficiency.memory}`],
    [
      "vLLM batch defaults",
      `${num(batch.maxNumBatchedTokens)} tokens a step, ${num(batch.maxNumSeqs)} requests (vllm serve on one device)`,
    ],
    ["power per node", `${num(p.powerW.idle)} W idle, ${num(p.powerW.peak)} W peak`],
    ...(p.powerW.accelerator && p.powerW.other
      ? ([
          [
            "  per accelerator",
            `${num(p.powerW.accelerator.idle)} W idle, ${num(p.powerW.accelerator.peak)} W peak`,
          ],
          ["  rest of the node", `${num(p.powerW.other.idle)} W idle, ${num(p.powerW.other.peak)} W peak`],
        ] as Array<[string, string]>)
      : []),
    ["capex per node", usd(p.capexUsd)],
    ["opex per node", `${usd(p.opexUsdPerHour)}/h`],
    ["price per node", `${usd(p.priceUsdPerHour)}/h`],
  ];
  if (p.file) lines.push(["file", p.file]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

/** Replicas per node as text: "4", or "1/2" when a replica spans two nodes. */
function replicasText(profile: HardwareProfile, model: ModelSpec): { text: string; perNode: number } {
  const span = nodesPerReplica(profile, model);
  if (span > 1) return { text: `1/${span}`, perNode: 1 / span };
  const n = replicasPerNodes(profile, model, 1);
  return { text: String(n), perNode: n };
}

function detail(profile: HardwareProfile, models: ModelSpec[]): string {
  const context = TYPICAL_PROMPT_TOKENS + TYPICAL_OUTPUT_TOKENS;
  const rows: string[][] = [];
  const misfits: string[] = [];
  for (const model of models) {
    const problem = fitProblem(profile, model);
    if (problem !== null) {
      misfits.push(`  ${problem}`);
      continue;
    }
    const curve = serviceCurve(profile, model, { meanContextTokens: context, maxBatchCap: null });
    const { text, perNode } = replicasText(profile, model);
    const nodeDecode = (b: number) => (b <= curve.maxBatch ? num(curve.decodeTokensPerS[b] * perNode) : "-");
    const full = curve.decodeTokensPerS[curve.maxBatch] * perNode;
    rows.push([
      model.id,
      text,
      model.contextTokens === undefined ? "-" : num(model.contextTokens),
      String(curve.maxBatch),
      nodeDecode(1),
      nodeDecode(8),
      nodeDecode(32),
      num(full),
      num(curve.prefillTokensPerS),
      curve.source,
      usd((profile.priceUsdPerHour / (3600 * full)) * 1e6),
    ]);
  }
  const header = [
    "model",
    "replicas/node",
    "max context",
    "max batch",
    "decode@1",
    "decode@8",
    "decode@32",
    "decode@max",
    "prefill/replica",
    "source",
    "$/M out",
  ];
  const out = [
    `${profile.id}`,
    figures(profile),
    "",
    "sources",
    ...profile.sources.map((s) => `  ${s}`),
    "",
    `models (context ${num(TYPICAL_PROMPT_TOKENS)} prompt + ${num(TYPICAL_OUTPUT_TOKENS)} output tokens;`,
    "decode in tokens/s per node over a replica batch of 1, 8, 32 and the maximum; prefill in prompt",
    "tokens/s per replica; $/M out = price per node-hour / output tokens per node-hour at full load;",
    "max context = the longest request the model serves, prompt + output tokens)",
    rows.length > 0 ? table(header, rows) : "  no catalog model fits",
  ];
  if (misfits.length > 0) out.push("", "models that do not fit", ...misfits);
  return `${out.join("\n")}\n`;
}
