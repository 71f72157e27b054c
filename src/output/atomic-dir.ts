/**
 * Writes an output folder whole or not at all, and never over anything fleetsim did not write.
 *
 * The files and fleetsim.json go into `.NAME.tmp-PID-MS` beside the target; once complete it is
 * renamed `.NAME.new-PID-MS`. Then the target (if any) is renamed `.NAME.old-PID-MS`, the new
 * folder renamed to the target, and the old one removed. A process killed at any point leaves
 * only such siblings; `recoverInterruptedWrite` (run before every write and by every command
 * that names the folder) puts a finished `.new` in place of a missing target, or else restores the
 * `.old`, and removes the rest, touching only folders that hold nothing but what their manifest lists.
 */
import { lstat, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors.js";
import {
  FOLDER_MANIFEST,
  type FolderKind,
  folderManifest,
  manifestText,
  readFolderManifest,
} from "./folder-manifest.js";
import { foreignEntries } from "./out-folder.js";

export interface OutputFolder {
  kind: FolderKind;
  /** The command line after `fleetsim`, recorded in the manifest. */
  command: readonly string[];
}

/**
 * Test hook: FLEETSIM_FAULT=kill-in-swap kills the process between the two renames of the swap,
 * so the tests can show the next command recovering. Not for users.
 */
const FAULT = process.env.FLEETSIM_FAULT;

/** A file's content: text (written as UTF-8) or bytes (a workbook). */
export type FileContent = string | Uint8Array;

export async function writeDirAtomically(
  dir: string,
  files: ReadonlyMap<string, FileContent>,
  folder: OutputFolder,
): Promise<void> {
  const staged = await StagedFolder.begin(dir, folder, [...files.keys()]);
  await staged.commit(files);
}

/**
 * An output folder being written: its temporary sibling exists (with the manifest, which lists
 * every file it will hold) from `begin`, so files too large to keep in memory (the request log)
 * can be streamed into it during the run; `commit` adds the rest and swaps it into place, `abort`
 * removes it.
 */
export class StagedFolder {
  private constructor(
    private readonly dir: string,
    private readonly target: string,
    private readonly stamp: string,
  ) {}

  static async begin(dir: string, folder: OutputFolder, names: readonly string[]): Promise<StagedFolder> {
    const target = resolve(dir);
    await mkdir(dirname(target), { recursive: true });
    await recoverInterruptedWrite(target);
    const staged = new StagedFolder(dir, target, `${process.pid}-${Date.now()}`);
    const tmp = staged.tmp;
    await mkdir(tmp);
    try {
      // The manifest first: a folder of ours can be recognised (and cleaned) at every point after.
      await writeFile(
        join(tmp, FOLDER_MANIFEST),
        manifestText(folderManifest(folder.kind, folder.command, names)),
      );
    } catch (e) {
      await staged.abort();
      throw staged.named(e);
    }
    return staged;
  }

  private get tmp(): string {
    return sibling(this.target, "tmp", this.stamp);
  }

  /** Where a file of the folder is written before the swap. */
  path(name: string): string {
    return join(this.tmp, name);
  }

  async commit(files: ReadonlyMap<string, FileContent>): Promise<void> {
    const { target, tmp } = this;
    const ready = sibling(target, "new", this.stamp);
    const old = sibling(target, "old", this.stamp);
    let moved = false;
    try {
      for (const [name, content] of files) await writeFile(join(tmp, name), content);
      await rename(tmp, ready);
      // The target may have changed during a long run: check it again right before replacing it.
      const foreign = await foreignEntriesIfFolder(target);
      if (foreign !== null && foreign.length > 0) {
        throw new InputError({
          file: "--out",
          message: `refused ${JSON.stringify(this.dir)}: it now holds files fleetsim did not write (${foreign.slice(0, 5).join(", ")}); nothing was written`,
        });
      }
      try {
        await rename(target, old);
        moved = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      if (FAULT === "kill-in-swap") process.kill(process.pid, "SIGKILL");
      await rename(ready, target);
      moved = false;
      await rm(old, { recursive: true, force: true });
    } catch (e) {
      if (moved) await rename(old, target).catch(() => undefined);
      await this.abort();
      await rm(ready, { recursive: true, force: true }).catch(() => undefined);
      throw this.named(e);
    }
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
  }

  /** A system error names our temporary sibling; the user knows the folder they asked for. */
  private named(e: unknown): unknown {
    const err = e as NodeJS.ErrnoException;
    if (
      err.code !== undefined &&
      (err.path === undefined ||
        err.path.startsWith(join(dirname(this.target), `.${basename(this.target)}.`)))
    ) {
      err.path = this.target;
    }
    return e;
  }
}

/** What recovery did, for a note to the user; null when there was nothing to do. */
export type Recovery = { restored: "new" | "old" | null; removed: number } | null;

/**
 * Mends what an interrupted write left beside `dir` (see the top of this file). Leftovers of a
 * process still running (a write in progress, in this process or another) are left alone.
 */
export async function recoverInterruptedWrite(dir: string): Promise<Recovery> {
  const target = resolve(dir);
  await removeStaleFileTemps(target);
  const parent = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(tmp|new|old)-(\\d+)-(\\d+)$`);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return null;
  }
  const left: Array<{ path: string; kind: string; ms: number }> = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (isAlive(pid)) continue; // a write still in progress (this process included)
    const path = join(parent, name);
    if (!(await isOurs(path))) continue;
    left.push({ path, kind: m[1], ms: Number(m[3]) });
  }
  if (left.length === 0) return null;
  left.sort((a, b) => b.ms - a.ms);
  let restored: "new" | "old" | null = null;
  if ((await lstat(target).catch(() => null)) === null) {
    // A finished write whose swap was cut short wins; else the results that were there before.
    const pick = left.find((l) => l.kind === "new") ?? left.find((l) => l.kind === "old");
    if (pick) {
      await rename(pick.path, target);
      restored = pick.kind as "new" | "old";
      left.splice(left.indexOf(pick), 1);
    }
  }
  for (const l of left) await rm(l.path, { recursive: true, force: true });
  return { restored, removed: left.length };
}

/**
 * Inside a folder of ours, the temporary `.FILE.tmp-PID-MS` of a file replaced in place (the
 * report, the manifest) that a dead process left: removed when its manifest lists FILE.
 */
async function removeStaleFileTemps(dir: string): Promise<void> {
  const manifest = await readFolderManifest(dir);
  if (manifest === null) return;
  const ours = new Set([FOLDER_MANIFEST, ...manifest.files]);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^\.(.+)\.tmp-(\d+)-(\d+)$/.exec(name);
    if (!m || !ours.has(m[1]) || isAlive(Number(m[2]))) continue;
    const stat = await lstat(join(dir, name)).catch(() => null);
    if (stat?.isFile()) await rm(join(dir, name), { force: true });
  }
}

/** A leftover is ours to move or remove only if it holds nothing its manifest does not list. */
async function isOurs(path: string): Promise<boolean> {
  const stat = await lstat(path).catch(() => null);
  if (stat === null || !stat.isDirectory()) return false;
  const foreign = await foreignEntries(path);
  if (foreign === null) return true;
  if (foreign.length === 0) return true;
  // A manifest cut off mid-write leaves only that file, unreadable.
  return foreign.length === 1 && foreign[0] === FOLDER_MANIFEST && (await readFolderManifest(path)) === null;
}

async function foreignEntriesIfFolder(target: string): Promise<string[] | null> {
  const stat = await lstat(target).catch(() => null);
  if (stat === null) return null;
  if (!stat.isDirectory()) return [basename(target)];
  return foreignEntries(target);
}

function sibling(target: string, kind: "tmp" | "new" | "old", stamp: string): string {
  return join(dirname(target), `.${basename(target)}.${kind}-${stamp}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
