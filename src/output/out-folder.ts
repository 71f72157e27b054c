/**
 * The rule for output folders: fleetsim replaces a folder only when that destroys nothing it did
 * not write. `--out` may name a missing folder, an empty one, or one holding fleetsim's manifest
 * (fleetsim.json) and only the files it lists. Anything else is refused before any work starts:
 * a folder with other files, a file, a symbolic link, `/`, the home folder, the current folder or
 * one holding it, a folder holding an input (the scenario, a profile, a trace), and for merge a
 * shard folder or a folder inside one.
 */
import { constants } from "node:fs";
import { access, lstat, readdir, realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from "node:path";
import { InputError } from "../errors.js";
import { FOLDER_MANIFEST, readFolderManifest } from "./folder-manifest.js";

export interface OutFolderInputs {
  /** Files and folders the command reads: the output may not be, or hold, any of them. */
  inputs?: readonly string[];
  /** Folders the command reads whose inside is theirs too (merge's shards): the output may not be in one. */
  inputFolders?: readonly string[];
  /** How the folder was named, for the message: "--out" or "the default output folder". */
  label?: string;
}

/** How many foreign entries a refusal names before "and N more". */
const NAME_AT_MOST = 5;

/**
 * Checks that `out` may be written; returns its absolute path. Throws an InputError naming the
 * folder and why not.
 */
export async function checkOutFolder(out: string, opts: OutFolderInputs = {}): Promise<string> {
  const label = opts.label ?? "--out";
  const refuse = (why: string): never => {
    throw new InputError({ file: label, message: `refused ${JSON.stringify(out)}: ${why}` });
  };
  if (out.trim() === "") refuse("an empty path names no folder");
  const target = resolve(out);
  const real = await realPathOf(target, refuse);

  if (parse(real).root === real) refuse("it is the root of the file system");
  if (sameOrInside(await realOrSelf(homedir()), real)) refuse("it is the home folder or holds it");
  if (sameOrInside(await realOrSelf(process.cwd()), real)) {
    refuse("it is the current folder or holds it; name a folder of its own, e.g. results/NAME");
  }
  for (const input of opts.inputs ?? []) {
    const r = await realOrSelf(resolve(input));
    if (sameOrInside(r, real)) refuse(`it holds the input ${shown(input)}; name another folder`);
  }
  for (const folder of opts.inputFolders ?? []) {
    const r = await realOrSelf(resolve(folder));
    if (sameOrInside(real, r) || sameOrInside(r, real)) {
      refuse(`it is, holds or lies inside the input folder ${shown(folder)}; name another folder`);
    }
  }

  await checkWritable(target, refuse);
  const stat = await lstat(target).catch(() => null);
  if (stat === null) return target;
  if (stat.isSymbolicLink()) refuse("it is a symbolic link; name the folder itself");
  if (!stat.isDirectory()) refuse("it is a file, not a folder");
  const foreign = await foreignEntries(target);
  if (foreign === null) return target;
  if (foreign.length > 0) {
    const named = foreign.slice(0, NAME_AT_MOST).join(", ");
    const more = foreign.length > NAME_AT_MOST ? ` and ${foreign.length - NAME_AT_MOST} more` : "";
    refuse(
      `it holds files fleetsim did not write (${named}${more}); name a new or empty folder, or one fleetsim wrote`,
    );
  }
  return target;
}

/**
 * The entries of folder `dir` that fleetsim did not write: all of them when it has no manifest,
 * else those its manifest does not list. null when the folder is empty.
 */
export async function foreignEntries(dir: string): Promise<string[] | null> {
  const entries = (await readdir(dir)).sort();
  if (entries.length === 0) return null;
  const manifest = await readFolderManifest(dir);
  const ours = new Set([FOLDER_MANIFEST, ...(manifest?.files ?? [])]);
  if (manifest === null) return entries;
  return entries.filter((e) => !ours.has(e));
}

/**
 * The output is written beside the target (then renamed into place): the deepest existing folder
 * on its path must let us create entries, or the run would fail only at its end.
 */
async function checkWritable(target: string, refuse: (why: string) => never): Promise<void> {
  let p = dirname(target);
  while ((await lstat(p).catch(() => null)) === null && dirname(p) !== p) p = dirname(p);
  try {
    await access(p, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    refuse(
      `cannot write in ${shown(p)}: ${code === "EROFS" ? "the file system is read-only" : "permission denied"} (${code})`,
    );
  }
}

/** `inner` is `outer` or lies inside it (both absolute, resolved). */
function sameOrInside(inner: string, outer: string): boolean {
  if (inner === outer) return true;
  const rel = relative(outer, inner);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

async function realOrSelf(p: string): Promise<string> {
  return realpath(p).catch(() => p);
}

/**
 * The real path of `target`, which may not exist yet: the real path of its deepest existing
 * ancestor joined with the rest. An ancestor that exists but is not a folder is refused.
 */
async function realPathOf(target: string, refuse: (why: string) => never): Promise<string> {
  const rest: string[] = [];
  let p = target;
  for (;;) {
    const stat = await lstat(p).catch(() => null);
    if (stat !== null) {
      if (rest.length > 0) {
        const s = await realpath(p).catch(() => p);
        const isDir = await lstat(s)
          .then((x) => x.isDirectory())
          .catch(() => false);
        if (!isDir) refuse(`${shown(p)} is a file, not a folder`);
        return join(s, ...rest.reverse());
      }
      return stat.isSymbolicLink() ? p : await realpath(p).catch(() => p);
    }
    const up = dirname(p);
    if (up === p) return target;
    rest.push(basename(p));
    p = up;
  }
}

function shown(p: string): string {
  const rel = relative(process.cwd(), p);
  return JSON.stringify(rel === "" ? "." : rel.startsWith("..") ? p : rel);
}

/**
 * A scenario name made into one safe folder name: letters, digits, `.`, `_` and `-` only (others
 * become `-`), no leading dot or dash, no `..`, at most 80 characters; "scenario" if nothing is left.
 */
export function safeFolderName(name: string): string {
  const s = name
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.-]+/, "")
    .slice(0, 80)
    .replace(/[.-]+$/, "");
  return s === "" ? "scenario" : s;
}
