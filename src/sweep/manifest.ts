/**
 * sweep.json: what a sweep's outputs belong to. Every shard writes one; `fleetsim merge` joins
 * only shards whose manifests agree on everything but the shard index and the scenario file's
 * path (shards may run from different folders: the file's SHA-256 is what must match).
 */
import { z } from "zod";
import type { Shard } from "./shard.js";
import type { VaryAxis } from "./vary.js";

export const MANIFEST_FILE = "sweep.json";
export const MANIFEST_FORMAT = "fleetsim-sweep/1";

export const RUN_ORDER = "run = variant * seeds + (seed - 1); variants: the first --vary axis varies slowest";
export const SHARD_RULE = "run i belongs to shard i mod count";

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  program_version: z.string(),
  build: z.string(),
  scenario: z.string(),
  scenario_file: z.string(),
  scenario_sha256: z.string(),
  set: z.array(z.string()),
  horizon: z.string().nullable(),
  fidelity: z.enum(["request", "fluid", "hybrid"]).nullable(),
  vary: z.array(z.object({ path: z.string(), values: z.array(z.string()).min(1) })),
  seeds: z.number().int().min(1),
  runs: z.number().int().min(0),
  run_order: z.string(),
  shard: z.object({ index: z.number().int().min(0), count: z.number().int().min(1), rule: z.string() }),
});

export type SweepManifest = z.infer<typeof manifestSchema>;

export interface ManifestInput {
  programVersion: string;
  build: string;
  scenario: string;
  scenarioFile: string;
  scenarioSha256: string;
  set: string[];
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  axes: VaryAxis[];
  seeds: number;
  runs: number;
  shard: Shard;
}

export function buildManifest(m: ManifestInput): SweepManifest {
  return {
    format: MANIFEST_FORMAT,
    program_version: m.programVersion,
    build: m.build,
    scenario: m.scenario,
    scenario_file: m.scenarioFile,
    scenario_sha256: m.scenarioSha256,
    set: m.set,
    horizon: m.horizon ?? null,
    fidelity: m.fidelity ?? null,
    vary: m.axes.map((a) => ({ path: a.path, values: a.values })),
    seeds: m.seeds,
    runs: m.runs,
    run_order: RUN_ORDER,
    shard: { index: m.shard.index, count: m.shard.count, rule: SHARD_RULE },
  };
}

export function manifestText(m: SweepManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** The manifest in `text`, or a message saying what is wrong with it. */
export function parseManifest(text: string): SweepManifest | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  const r = manifestSchema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  return `not a fleetsim sweep manifest: ${issue.path.join(".") || "(top)"}: ${issue.message}`;
}

/** The fields in which `b` belongs to another sweep than `a` (empty: the same sweep). */
export function manifestMismatches(a: SweepManifest, b: SweepManifest): string[] {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const fields = [
    "program_version",
    "scenario",
    "scenario_sha256",
    "set",
    "horizon",
    "fidelity",
    "vary",
    "seeds",
    "runs",
    "run_order",
  ] as const;
  const out: string[] = fields
    .filter((f) => !same(a[f], b[f]))
    .map((f) => `${f} is ${JSON.stringify(b[f])}, not ${JSON.stringify(a[f])}`);
  // Another build may compute other figures: a merge of two builds' shards would mix them.
  if (a.build !== b.build) {
    out.push(`it was written by build ${b.build}, not ${a.build}: run every shard with one build`);
  }
  if (a.shard.count !== b.shard.count || a.shard.rule !== b.shard.rule) {
    out.push(`it is a shard of ${b.shard.count}, not of ${a.shard.count}`);
  }
  return out;
}
