/**
 * Writes a set of files into a folder whole or not at all: into a temporary folder beside it,
 * then swapped into place by renames. An interrupted or failed run leaves earlier results as they were.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

export async function writeDirAtomically(dir: string, files: Map<string, string>): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${stamp}`);
  const old = join(parent, `.${basename(target)}.old-${stamp}`);
  await mkdir(tmp);
  try {
    for (const [name, content] of files) await writeFile(join(tmp, name), content);
    let hadOld = true;
    try {
      await rename(target, old);
    } catch {
      hadOld = false;
    }
    await rename(tmp, target);
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
