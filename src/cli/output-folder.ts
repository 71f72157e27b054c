/**
 * The CLI's side of the output-folder rule: mends what an interrupted write left beside the
 * folder, then checks the folder may be written, before any work starts.
 */
import { recoverInterruptedWrite } from "../output/atomic-dir.js";
import { checkOutFolder, type OutFolderInputs } from "../output/out-folder.js";

/** The command line after `fleetsim`, as recorded in each output folder's manifest. */
export function commandLine(): string[] {
  return process.argv.slice(2);
}

/** Checks `out` (or the default folder when `out` is undefined); returns the path to write. */
export async function prepareOutputFolder(
  out: string | undefined,
  fallback: string,
  inputs: Omit<OutFolderInputs, "label"> = {},
): Promise<string> {
  const path = out ?? fallback;
  const label = out === undefined ? "output folder" : "--out";
  const r = await recoverInterruptedWrite(path);
  if (r?.restored) {
    const what = r.restored === "new" ? "the results of the write that was cut short" : "the earlier results";
    process.stderr.write(`${path}: an interrupted write was mended (put back ${what})\n`);
  }
  await checkOutFolder(path, { ...inputs, label });
  return path;
}
