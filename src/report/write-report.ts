/**
 * Reads an output folder (run, sweep, merge, compare or plan; see pages.ts) and writes its report.html
 * beside its files: via a temporary name and a
 * rename. An existing report.html is replaced only when the folder's manifest (fleetsim.json)
 * lists it as fleetsim's; the manifest gains report.html before the page is written, so the
 * folder stays one that `--out` may replace.
 */
import { lstat, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.js";
import { recoverInterruptedWrite } from "../output/atomic-dir.js";
import { FOLDER_MANIFEST, manifestText, readFolderManifest } from "../output/folder-manifest.js";
import { buildPage } from "./pages.js";

const REPORT = "report.html";

export async function writeReport(dir: string): Promise<string> {
  await recoverInterruptedWrite(dir);
  const html = await buildPage(dir);
  const target = join(dir, REPORT);
  const manifest = await readFolderManifest(dir);
  const exists = (await lstat(target).catch(() => null)) !== null;
  if (exists && !(manifest?.files.includes(REPORT) ?? false)) {
    throw new InputError({
      file: target,
      message:
        "refused: this report.html was not written by fleetsim (the folder's fleetsim.json does not list it); move it away first",
    });
  }
  if (manifest !== null && !manifest.files.includes(REPORT)) {
    const updated = { ...manifest, files: [...manifest.files, REPORT].sort() };
    await replaceFile(join(dir, FOLDER_MANIFEST), manifestText(updated));
  }
  await replaceFile(target, html);
  return target;
}

async function replaceFile(target: string, content: string): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
