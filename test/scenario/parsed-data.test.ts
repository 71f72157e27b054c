/**
 * dist/parsed-data.json (the shipped profiles and catalog as the build parsed them) answers only
 * for the exact bytes it was built from, and answers what a parse of them gives: from dist/, the
 * shipped data loads equal to a parse from source, and a file that differs by one figure is
 * parsed, not looked up.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  loadCatalog,
  loadProfiles,
  shippedCatalogFile,
  shippedProfileDir,
} from "../../src/scenario/profiles.js";
import { distIsCurrent } from "../support/dist.js";
import { repoRoot } from "../support/run-scenario.js";

/** loadProfiles and loadCatalog run from dist/ in a child process, as JSON. */
function fromDist(profileDirs: string[], catalog: string) {
  const mod = pathToFileURL(join(repoRoot, "dist", "scenario", "profiles.js")).href;
  const script = `const m = await import(${JSON.stringify(mod)});
    process.stdout.write(JSON.stringify({ profiles: m.loadProfiles(${JSON.stringify(profileDirs)}), catalog: m.loadCatalog(${JSON.stringify(catalog)}) }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(!distIsCurrent("parsed-data.json"))("dist/parsed-data.json", () => {
  it("gives what parsing the shipped files gives", () => {
    const dist = fromDist([shippedProfileDir()], shippedCatalogFile());
    expect(dist.profiles).toStrictEqual(JSON.parse(JSON.stringify(loadProfiles([shippedProfileDir()]))));
    expect(dist.catalog).toStrictEqual(JSON.parse(JSON.stringify(loadCatalog(shippedCatalogFile()))));
    // It was built from these very files: every one of them has its entry.
    const data = JSON.parse(readFileSync(join(repoRoot, "dist", "parsed-data.json"), "utf8"));
    expect(Object.keys(data.profiles).length).toBe(dist.profiles.length);
    expect(Object.keys(data.catalogs).length).toBe(1);
  });

  it("does not answer for a file that differs by one figure: it is parsed", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-parsed-"));
    cpSync(shippedProfileDir(), join(dir, "hw"), { recursive: true });
    const file = join(dir, "hw", "nd-h100-v5.yaml");
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^price_usd_per_hour: [\d.]+/m);
    writeFileSync(file, text.replace(/^price_usd_per_hour: [\d.]+/m, "price_usd_per_hour: 12.34"));
    const catalog = join(dir, "hw", "models.yaml");
    writeFileSync(catalog, readFileSync(catalog, "utf8").replace(/^(\s+owner: )openai$/m, "$1openai-x"));
    const dist = fromDist([join(dir, "hw")], catalog);
    const h100 = dist.profiles.find((p: { id: string }) => p.id === "nd-h100-v5");
    expect(h100.priceUsdPerHour).toBe(12.34);
    expect(h100.file).toBe(file);
    expect(dist.catalog.some((m: { owner: string }) => m.owner === "openai-x")).toBe(true);
  });
});
