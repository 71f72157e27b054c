/** Reads a run folder and writes its report.html beside the CSVs: via a temporary name and a rename. */
import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildReport } from "./page.js";
import { readRun } from "./read-run.js";

export async function writeReport(dir: string): Promise<string> {
  const html = buildReport(await readRun(dir));
  const target = join(dir, "report.html");
  const tmp = join(dir, `.report.html.tmp-${process.pid}-${Date.now()}`);
  try {
    await writeFile(tmp, html);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return target;
}
