/** Test support: whether dist/ was built from the src/ here (npm run build records the source hash). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILD_INFO_FILE, codeHash } from "../../src/output/build.js";
import { repoRoot } from "./run-scenario.js";

/** dist/ holds `entry` (relative to dist/) and was built from the current src/: a stale build would differ. */
export function distIsCurrent(entry: string): boolean {
  if (!existsSync(join(repoRoot, "dist", entry))) return false;
  try {
    const info = JSON.parse(readFileSync(join(repoRoot, "dist", BUILD_INFO_FILE), "utf8"));
    return info.source_sha256 === codeHash(join(repoRoot, "src"));
  } catch {
    return false;
  }
}
