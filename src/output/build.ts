/**
 * Provenance of the running code: the package version plus a content hash of the source it was
 * built from (src/: hashed live under tsx and vitest; for dist/, `npm run build` records the hash
 * of the src/ it compiled in dist/build-info.json), and the git commit when the package is a
 * checkout. Builds of different sources get different ids, so `fleetsim merge` can refuse shards
 * that another build wrote, while dist/ and the src/ it came from agree.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { programVersion } from "./version.js";

export interface BuildInfo {
  /** `<version>+<first 12 hex digits of the code hash>`. */
  build: string;
  /** The checkout's HEAD commit, null outside a git checkout. */
  commit: string | null;
}

let cached: BuildInfo | null = null;

export function buildInfo(): BuildInfo {
  if (cached !== null) return cached;
  const codeDir = dirname(dirname(fileURLToPath(import.meta.url)));
  cached = {
    build: `${programVersion()}+${(recordedHash(codeDir) ?? codeHash(codeDir)).slice(0, 12)}`,
    commit: gitCommit(dirname(codeDir)),
  };
  return cached;
}

export const BUILD_INFO_FILE = "build-info.json";

/** The source hash `npm run build` recorded beside the compiled code, if any. */
function recordedHash(codeDir: string): string | null {
  try {
    const info = JSON.parse(readFileSync(join(codeDir, BUILD_INFO_FILE), "utf8"));
    return typeof info.source_sha256 === "string" ? info.source_sha256 : null;
  } catch {
    return null;
  }
}

/** Run after `tsc` (scripts/build-info.mjs): records the hash of `srcDir` in `distDir`. */
export function writeBuildInfo(srcDir: string, distDir: string): void {
  const info = { source_sha256: codeHash(srcDir) };
  writeFileSync(join(distDir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** SHA-256 over every code file under `dir`, in path order, each as its relative path and bytes. */
export function codeHash(dir: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|ts|mjs|cjs)$/.test(e.name)) files.push(p);
    }
  };
  walk(dir);
  files.sort();
  const h = createHash("sha256");
  for (const f of files) {
    h.update(relative(dir, f).split(sep).join("/"));
    h.update("\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  return h.digest("hex");
}

/** HEAD's commit of the git checkout at `root`, read from .git without running git; null if none. */
function gitCommit(root: string): string | null {
  try {
    const gitDir = join(root, ".git");
    if (!existsSync(gitDir) || !statSync(gitDir).isDirectory()) return null;
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return null;
    const loose = join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
    const packed = readFileSync(join(gitDir, "packed-refs"), "utf8");
    for (const line of packed.split("\n")) {
      const [sha, name] = line.split(" ");
      if (name === ref && /^[0-9a-f]{40}$/.test(sha)) return sha;
    }
    return null;
  } catch {
    return null;
  }
}
