/**
 * The shipped hardware profiles and model catalog as `npm run build` parsed and checked them
 * (dist/parsed-data.json), keyed by the SHA-256 of each file's bytes. Every command still reads
 * those files, but one whose bytes are the ones built is not parsed again: YAML parsing and
 * validation of the shipped data is a third of the time `fleetsim validate` takes on a small
 * scenario. A file that differs by a byte (edited, or a user's own) is parsed as usual, so the
 * result is always what parsing these bytes gives. Run from source (tsx, vitest), there is no
 * dist/parsed-data.json and nothing is skipped.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HardwareProfile, ModelSpec } from "./types.js";

export const PARSED_DATA_FILE = "parsed-data.json";

/** A profile without the path it was read from (the same bytes may sit anywhere). */
export type ParsedProfile = Omit<HardwareProfile, "file">;

interface ParsedData {
  profiles: Record<string, ParsedProfile>;
  catalogs: Record<string, ModelSpec[]>;
}

let loaded: ParsedData | null | undefined;

/** dist/parsed-data.json, found from this module one folder below dist/ (or its bundle chunk). */
function parsedData(): ParsedData | null {
  if (loaded === undefined) {
    try {
      loaded = JSON.parse(readFileSync(new URL(`../${PARSED_DATA_FILE}`, import.meta.url), "utf8"));
    } catch {
      loaded = null;
    }
  }
  return loaded ?? null;
}

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** The profile these bytes parse to, if the build parsed the same bytes. */
export function builtProfile(bytes: Uint8Array): ParsedProfile | undefined {
  const p = parsedData()?.profiles[sha256(bytes)];
  // A copy: what a parse returns is the caller's own.
  return p === undefined ? undefined : structuredClone(p);
}

/** The catalog these bytes parse to, if the build parsed the same bytes. */
export function builtCatalog(bytes: Uint8Array): ModelSpec[] | undefined {
  const c = parsedData()?.catalogs[sha256(bytes)];
  return c === undefined ? undefined : structuredClone(c);
}

/** At build time: records what each file parsed to, by the hash of its bytes, in `distDir`. */
export function writeParsedData(
  distDir: string,
  profiles: ReadonlyArray<{ bytes: Uint8Array; profile: HardwareProfile }>,
  catalogs: ReadonlyArray<{ bytes: Uint8Array; models: ModelSpec[] }>,
): void {
  const data: ParsedData = { profiles: {}, catalogs: {} };
  for (const p of profiles) {
    const { file: _file, ...profile } = p.profile;
    data.profiles[sha256(p.bytes)] = profile;
  }
  for (const c of catalogs) data.catalogs[sha256(c.bytes)] = c.models;
  writeFileSync(join(distDir, PARSED_DATA_FILE), `${JSON.stringify(data)}\n`);
}
