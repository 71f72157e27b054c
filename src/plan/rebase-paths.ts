/**
 * plan.yaml is the input scenario written into the plan's output folder, so the paths in it that
 * are relative to the scenario file (extra hardware_profiles, trace files, empirical CSVs) are
 * rewritten relative to that folder: the file then runs as is where fleetsim wrote it.
 */
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { type Document, isPair, isScalar, isSeq, visit } from "yaml";

/** `p`, relative to `fromDir`, as a path relative to `toDir` (forward slashes; absolute kept). */
export function rebasePath(p: string, fromDir: string, toDir: string): string {
  if (isAbsolute(p)) return p;
  const r = relative(toDir, resolve(fromDir, p));
  return (r === "" ? "." : r).split(sep).join("/");
}

/** Rewrites, in place, the scenario document's file paths from `scenarioFile`'s folder to `toDir`. */
export function rebaseScenarioPaths(doc: Document, scenarioFile: string, toDir: string): void {
  const from = dirname(resolve(scenarioFile));
  const to = resolve(toDir);
  const profiles = doc.get("hardware_profiles", true);
  if (isSeq(profiles)) {
    for (const item of profiles.items) {
      if (isScalar(item) && typeof item.value === "string") item.value = rebasePath(item.value, from, to);
    }
  }
  // every `file:` under tenants: workload traces and empirical length distributions
  const tenants = doc.get("tenants", true);
  if (tenants === undefined || tenants === null) return;
  visit(tenants as Parameters<typeof visit>[0], {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== "file") return;
      const v = pair.value;
      if (isScalar(v) && typeof v.value === "string") v.value = rebasePath(v.value, from, to);
    },
  });
}
