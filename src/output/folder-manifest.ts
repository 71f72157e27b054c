/**
 * fleetsim.json: the mark of an output folder that fleetsim wrote. It names the program, the
 * build, the command and every file fleetsim put in the folder; `--out` may replace a folder
 * only when it holds this mark and nothing the mark does not list (see out-folder.ts).
 * It carries no time stamp, so the same command on the same build writes the same bytes.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildInfo } from "./build.js";

export const FOLDER_MANIFEST = "fleetsim.json";
export const FOLDER_FORMAT = "fleetsim-output/1";

export type FolderKind = "run" | "compare" | "sweep" | "merge" | "plan";

export interface FolderManifest {
  program: "fleetsim";
  format: string;
  kind: FolderKind;
  version: string;
  build: string;
  commit: string | null;
  /** The command line after `fleetsim`, as given. */
  command: string[];
  /** Every file fleetsim wrote into the folder, the manifest aside, sorted. */
  files: string[];
}

export function folderManifest(
  kind: FolderKind,
  command: readonly string[],
  files: Iterable<string>,
): FolderManifest {
  const b = buildInfo();
  return {
    program: "fleetsim",
    format: FOLDER_FORMAT,
    kind,
    version: b.build.split("+")[0],
    build: b.build,
    commit: b.commit,
    command: [...command],
    files: [...new Set(files)].filter((f) => f !== FOLDER_MANIFEST).sort(),
  };
}

export function manifestText(m: FolderManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** The manifest of `dir` if it holds a valid one, else null (missing, unreadable, not ours). */
export async function readFolderManifest(dir: string): Promise<FolderManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dir, FOLDER_MANIFEST), "utf8");
  } catch {
    return null;
  }
  return parseFolderManifest(text);
}

export function parseFolderManifest(text: string): FolderManifest | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const m = data as Record<string, unknown>;
  const ok =
    m.program === "fleetsim" &&
    typeof m.format === "string" &&
    m.format.startsWith("fleetsim-output/") &&
    typeof m.build === "string" &&
    Array.isArray(m.files) &&
    m.files.every((f) => typeof f === "string" && f !== "" && !f.includes("/") && !f.includes("\\"));
  return ok ? (data as FolderManifest) : null;
}
