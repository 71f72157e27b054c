/**
 * Loads a scenario file: YAML -> `--set` overrides and flags -> schema validation -> hardware
 * profiles and model catalog -> resolution. Every user mistake becomes an InputError listing all
 * problems found at that stage, each with file, line and dotted path.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { shippedCatalogFile, shippedProfileDir } from "./package-root.js";
import { fileLocator, type Locator, ProblemList } from "./problems.js";
import { loadCatalog, loadProfiles } from "./profiles.js";
import { resolveScenario } from "./resolve.js";
import { scenarioSchema } from "./schema/scenario.js";
import { type AppliedSet, applySets, fromSet, SET_FILE } from "./set-overrides.js";
import type { Scenario } from "./types.js";
import { validate } from "./validate.js";
import { dotted, type FieldPath, readYamlFile } from "./yaml-source.js";

export interface LoadOptions {
  /** `PATH=VALUE` overrides (the CLI's --set), applied before validation. */
  set?: string[];
  seed?: number;
  /** A duration such as "30d" (the CLI's --horizon). */
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  /** Replaces the shipped hardware-profiles/ folder (the scenario's hardware_profiles still apply). */
  profileDirs?: string[];
  /** Default: hardware-profiles/models.yaml of the package. */
  catalogFile?: string;
}

const FLAGS = { seed: "--seed", horizon: "--horizon", fidelity: "--fidelity" } as const;

export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<Scenario> {
  const source = readYamlFile(file);
  const data = source.data;
  let applied: AppliedSet[] = [];
  const flagged = new Set<string>();
  if (isMapping(data)) {
    applied = applySets(data, opts.set ?? []);
    for (const flag of Object.keys(FLAGS) as Array<keyof typeof FLAGS>) {
      if (opts[flag] !== undefined) {
        data[flag] = opts[flag];
        flagged.add(flag);
      }
    }
  }
  const locate = overrideLocator(fileLocator(file, source.lines), source.lines, applied, flagged);
  const raw = validate(scenarioSchema, data, locate);

  const dir = dirname(resolve(file));
  const problems = new ProblemList(locate);
  const extraProfiles = raw.hardware_profiles.flatMap((p, i) => {
    const abs = resolve(dir, p);
    if (exists(abs)) return [abs];
    problems.add(["hardware_profiles", i], `no such file or folder: "${p}" (looked for ${abs})`);
    return [];
  });
  problems.throwIfAny();
  const profiles = loadProfiles([...(opts.profileDirs ?? [shippedProfileDir()]), ...extraProfiles]);
  const catalogFile = opts.catalogFile ?? shippedCatalogFile();
  const catalog = loadCatalog(catalogFile);

  const scenario = resolveScenario(
    {
      raw,
      file: resolve(file),
      fileHash: createHash("sha256").update(source.bytes).digest("hex"),
      lines: source.lines,
      setPaths: applied.map((a) => a.path.join(".")),
      dir,
      profiles,
      catalog,
      catalogFile,
    },
    problems,
  );
  problems.throwIfAny();
  return scenario;
}

/**
 * Problems in a field set on the command line point at the flag, not at the file: a field a
 * `--set` wrote or lies inside, and a field absent from the file that holds one a `--set` wrote
 * (its line would otherwise be the nearest parent in the file, often line 1).
 */
function overrideLocator(
  base: Locator,
  lines: Record<string, number>,
  applied: AppliedSet[],
  flagged: Set<string>,
): Locator {
  return (path: FieldPath) => {
    if (path.length >= 1 && flagged.has(String(path[0]))) {
      return { file: FLAGS[path[0] as keyof typeof FLAGS], hidePath: true };
    }
    const inFile = lines[dotted(path)] !== undefined;
    if (applied.some((set) => fromSet(path, set.path, inFile))) return { file: SET_FILE };
    return base(path);
  };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
