/**
 * Which page a folder gets: chosen by the `kind` in its fleetsim.json (run, sweep, merge,
 * compare, plan), or, for a folder without one, by the files it holds. A new kind of folder
 * registers its page builder in PAGES.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { type FolderKind, readFolderManifest } from "../output/folder-manifest.js";
import { buildCompareReport } from "./compare-page.js";
import { buildReport } from "./page.js";
import { buildPlanReport } from "./plan-page.js";
import { readRun } from "./read-run.js";
import { buildSweepReport } from "./sweep-page.js";

/** Reads the folder and returns the whole page. */
export type PageBuilder = (dir: string) => Promise<string>;

export const PAGES: Partial<Record<FolderKind, PageBuilder>> = {
  run: async (dir) => buildReport(await readRun(dir)),
  sweep: buildSweepReport,
  // A merge folder holds the files of the unsharded sweep.
  merge: buildSweepReport,
  compare: buildCompareReport,
  plan: buildPlanReport,
};

const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

/** A folder without fleetsim.json (an older fleetsim, or files copied by hand): kind by its files. */
async function kindFromFiles(dir: string): Promise<FolderKind> {
  if (await exists(join(dir, "compare.csv"))) return "compare";
  if (await exists(join(dir, "sweep.csv"))) return "sweep";
  if (await exists(join(dir, "plan.csv"))) return "plan";
  return "run";
}

export async function buildPage(dir: string): Promise<string> {
  const kind = (await readFolderManifest(dir))?.kind ?? (await kindFromFiles(dir));
  const build = PAGES[kind];
  if (build === undefined) {
    throw new InputError({
      file: join(dir, "fleetsim.json"),
      message: `no report page for a "${kind}" folder`,
    });
  }
  return build(dir);
}
