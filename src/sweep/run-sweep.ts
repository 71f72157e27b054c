/**
 * A sweep: checks everything (flags, the scenario, every variant) before running anything, then
 * runs this shard's part of the grid on the worker pool and returns its files by name:
 * summary.csv, sweep.csv and the sweep.json manifest that `fleetsim merge` checks.
 */
import { availableParallelism } from "node:os";
import { relative, resolve, sep } from "node:path";
import { MAX_SEEDS } from "../compare/run-comparison.js";
import type { PreflightEstimate } from "../contract/run-options.js";
import { InputError, type InputProblem } from "../errors.js";
import type { FileContent } from "../output/atomic-dir.js";
import { buildInfo } from "../output/build.js";
import type { CsvDialect, CsvOptions } from "../output/csv.js";
import { programVersion } from "../output/version.js";
import { sheetOfText, WORKBOOK_FILE, workbookBytes } from "../output/workbook.js";
import { checkAndEstimate, overLimit, overLimitMessage } from "../run/preflight.js";
import { loadScenario } from "../scenario/load.js";
import { SET_FILE } from "../scenario/set-overrides.js";
import type { Scenario } from "../scenario/types.js";
import { expandGrid, variantCount, variantValues } from "./grid.js";
import { buildManifest, MANIFEST_FILE, manifestText, type SweepManifest } from "./manifest.js";
import { runTasks } from "./pool.js";
import type { RunTask } from "./run-one.js";
import { inShard, parseShard } from "./shard.js";
import {
  csvText,
  summaryColumns,
  sweepSummaryRow,
  sweepTable,
  TEXT_COLUMNS,
  type TextTable,
} from "./sweep-csv.js";
import { parseVaryAxes, VARY_FLAG, type VaryAxis } from "./vary.js";

export interface SweepOptions {
  /** `PATH=V1,V2,…` entries (the CLI's --vary). */
  vary: string[];
  /** Runs per variant, seeds 1..N. */
  seeds: number;
  /** Worker threads (default: the number of CPUs; 1 runs in this thread). */
  workers?: number;
  /** `I/N` or `auto/N` (default: the whole sweep). */
  shard?: string;
  /** `PATH=VALUE` overrides applied to every run, before the variant's. */
  set?: string[];
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  /** Polled during the runs; true abandons the sweep (RunAborted). */
  shouldStop?: () => boolean;
  /** Called after each finished run. */
  onDone?: (done: number, total: number) => void;
  /** Where `--shard auto/N` reads its index (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Runs a variant estimated above MAX_EVENTS_WITHOUT_FORCE events per run anyway. */
  force?: boolean;
  /** Called before any run with this shard's estimate: every run's requests and events added up. */
  onEstimate?: (total: PreflightEstimate) => void;
  /** Called once every variant passed its checks, before the first run (e.g. to check the output folder). */
  beforeRuns?: (base: Scenario) => Promise<void>;
}

export interface SweepResult {
  manifest: SweepManifest;
  /** Output files by name. */
  files: Map<string, string>;
  /** summary.csv's table, as text (sweep.csv derives from it). */
  summary: TextTable;
  /** Runs of this shard. */
  runs: number;
}

/** More variants than this is almost certainly a mistake in --vary. */
export const MAX_VARIANTS = 10_000;

export async function runSweep(file: string, opts: SweepOptions): Promise<SweepResult> {
  const axes = parseVaryAxes(opts.vary);
  if (axes.length === 0) throw new InputError({ file: VARY_FLAG, message: "give at least one --vary" });
  const seeds = checkCount("--seeds", opts.seeds, 1, MAX_SEEDS);
  const workers = checkCount("--workers", opts.workers ?? availableParallelism(), 1, 1024);
  const shard = parseShard(opts.shard, opts.env);
  const variants = variantCount(axes);
  if (variants > MAX_VARIANTS) {
    throw new InputError({
      file: VARY_FLAG,
      message: `the axes make ${variants} variants, more than ${MAX_VARIANTS}; vary fewer values`,
    });
  }

  const set = opts.set ?? [];
  const common = { horizon: opts.horizon, fidelity: opts.fidelity };
  const base = await loadScenario(file, { set, ...common });
  // Every variant loads and passes the pre-run checks here, so a bad --vary costs no run time, and
  // is estimated, so a variant too large to run is refused before anything runs.
  const perRun: Array<PreflightEstimate | null> = [];
  for (let v = 0; v < variants; v++) {
    const e = await checkVariant(file, set, common, axes, v);
    if (e !== null && overLimit(e, opts.force === true)) {
      const values = variantValues(axes, v);
      const variant = `variant ${v} (${axes.map((a, k) => `${a.path}=${values[k]}`).join(", ")})`;
      throw new InputError({ file: VARY_FLAG, message: overLimitMessage(variant, e, true) });
    }
    perRun.push(e);
  }

  const grid = expandGrid(axes, seeds);
  const mine = grid.filter((r) => inShard(r.run, shard));
  const total = { requests: 0, events: 0 };
  for (const r of mine) {
    const e = perRun[r.variant];
    if (e === null) continue;
    total.requests += e.requests;
    total.events += e.events;
  }
  opts.onEstimate?.(total);
  await opts.beforeRuns?.(base);
  const tasks: RunTask[] = mine.map((r) => ({
    run: r.run,
    file,
    set: [...set, ...r.sets],
    seed: r.seed,
    ...common,
  }));
  const rows = await runTasks(tasks, { workers, shouldStop: opts.shouldStop, onDone: opts.onDone });

  const manifest = buildManifest({
    programVersion: programVersion(),
    build: buildInfo().build,
    scenario: base.name,
    scenarioFile: shownPath(file),
    scenarioSha256: base.fileHash,
    set,
    horizon: opts.horizon,
    fidelity: opts.fidelity,
    axes,
    seeds,
    runs: grid.length,
    shard,
  });
  const summary: TextTable = {
    columns: summaryColumns(axes),
    rows: mine.map((r, i) => sweepSummaryRow(axes, seeds, r.run, rows[i])),
  };
  return { manifest, summary, files: sweepFiles(manifest, summary), runs: mine.length };
}

/** The files of a sweep (or of a merge, which must write the same bytes). */
export function sweepFiles(
  manifest: SweepManifest,
  summary: TextTable,
  csv: CsvOptions = {},
): Map<string, string> {
  return new Map([
    ["summary.csv", csvText(summary, csv)],
    ["sweep.csv", csvText(sweepTable(manifest.vary, summary), csv)],
    [MANIFEST_FILE, manifestText(manifest)],
  ]);
}

/** sweepFiles in the CSV format asked for, and results.xlsx (sheets summary and sweep) with `xlsx`. */
export async function sweepFolderFiles(
  manifest: SweepManifest,
  summary: TextTable,
  opts: { excel?: boolean; dialect?: CsvDialect; xlsx?: boolean } = {},
): Promise<Map<string, FileContent>> {
  const csv = { bom: opts.excel === true, dialect: opts.dialect };
  const files: Map<string, FileContent> = sweepFiles(manifest, summary, csv);
  if (opts.xlsx) {
    const sheets = [
      sheetOfText("summary", summary, TEXT_COLUMNS),
      sheetOfText("sweep", sweepTable(manifest.vary, summary), TEXT_COLUMNS),
    ];
    files.set(WORKBOOK_FILE, await workbookBytes(sheets));
  }
  return files;
}

async function checkVariant(
  file: string,
  set: string[],
  common: { horizon?: string; fidelity?: "request" | "fluid" | "hybrid" },
  axes: VaryAxis[],
  v: number,
): Promise<PreflightEstimate | null> {
  const values = variantValues(axes, v);
  const sets = axes.map((a, k) => `${a.path}=${values[k]}`);
  try {
    const scenario = await loadScenario(file, { set: [...set, ...sets], ...common });
    return await checkAndEstimate(scenario);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // The common --set entries loaded fine on their own, so an override problem is the variant's.
    const where = `variant ${v}: ${sets.join(", ")}`;
    throw new InputError(
      e.problems.map(
        (p): InputProblem =>
          p.file === SET_FILE || isUnder(p.path, axes)
            ? {
                ...p,
                file: VARY_FLAG,
                line: undefined,
                message: `${p.message.replace(/ \(in [^)]*\)$/, "")} (${where})`,
              }
            : { ...p, message: `${p.message} (${where})` },
      ),
    );
  }
}

/** Whether a problem's field is, or holds, a varied field (an unknown key a --vary path created). */
function isUnder(path: string | undefined, axes: VaryAxis[]): boolean {
  return path !== undefined && axes.some((a) => a.path === path || a.path.startsWith(`${path}.`));
}

function checkCount(flag: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError({
      file: flag,
      message: `must be a whole number from ${min} to ${max}, got ${String(v)}`,
    });
  }
  return v;
}

/** The scenario file relative to the working folder, with forward slashes (the same on every OS). */
function shownPath(file: string): string {
  return relative(process.cwd(), resolve(file)).split(sep).join("/");
}
