import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, InputError } from "../../src/errors.js";
import { loadCatalog, loadProfiles, packageRoot, shippedProfileDir } from "../../src/scenario/profiles.js";
import { CATALOG, PROFILE_DIR } from "./helpers.js";

const H100 = readFileSync(join(PROFILE_DIR, "fx-h100.yaml"), "utf8").split("\n");

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "fleetsim-profiles-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function messagesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error("expected an InputError");
}

/** fx-h100.yaml with line n (1-based) replaced. */
const h100With = (n: number, text: string) => H100.map((l, i) => (i === n - 1 ? text : l)).join("\n");

describe("hardware profiles", () => {
  it("reads a folder (skipping the catalog) into resolved profiles", () => {
    const profiles = loadProfiles([PROFILE_DIR]);
    expect(profiles.map((p) => p.id)).toEqual(["fx-cobalt", "fx-h100"]); // file name order
    const h100 = profiles[1];
    expect(h100).toMatchObject({
      kind: "gpu",
      acceleratorsPerNode: 8,
      memoryBandwidthTbPerS: 3.35,
      efficiency: { compute: 0.5, memory: 0.7 }, // defaults
      powerW: { idle: 2000, peak: 10200 },
      priceUsdPerHour: 98.32,
      file: join(PROFILE_DIR, "fx-h100.yaml"),
    });
    // decode table sorted by batch size whatever the file's order
    expect(h100.performance).toEqual([
      {
        model: "fx-llama-70b",
        prefillTokensPerS: 12000,
        decodeTokensPerS: [
          [1, 38],
          [8, 280],
          [64, 1400],
        ],
        maxBatch: 64,
      },
    ]);
    // a partial efficiency keeps the other default
    expect(profiles[0].efficiency).toEqual({ compute: 0.4, memory: 0.7 });
  });

  it("reads a single file, and the same file only once", () => {
    const file = join(PROFILE_DIR, "fx-h100.yaml");
    expect(loadProfiles([file, PROFILE_DIR]).map((p) => p.id)).toEqual(["fx-h100", "fx-cobalt"]);
  });

  it("refuses a profile without sources", () => {
    const dir = tempDir({ "p.yaml": H100.filter((_, i) => i < 12 || i > 14).join("\n") });
    expect(messagesOf(() => loadProfiles([dir]))).toEqual([
      `${join(dir, "p.yaml")}:2 sources: is required (a list)`,
    ]);
  });

  it("reports unknown keys with a suggestion, bad values and bad batch sizes, all at once", () => {
    const text = h100With(8, "peak_tflop: 989").replace("{ 64: 1400, 1: 38, 8: 280 }", "{ 0: 5, 1: 38 }");
    const file = join(tempDir({ "p.yaml": text.replace("idle: 2000", "idle: -1") }), "p.yaml");
    expect(messagesOf(() => loadProfiles([file]))).toEqual([
      `${file}:8 peak_tflop: unknown field "peak_tflop", did you mean "peak_tflops"?`,
      `${file}:9 power_w.idle: must be >= 0, got -1`,
    ]);
    const file2 = join(tempDir({ "p.yaml": text.replace("peak_tflop:", "peak_tflops:") }), "p.yaml");
    expect(messagesOf(() => loadProfiles([file2]))).toEqual([
      `${file2}:19 performance.0.decode_tokens_per_s.0: batch sizes must be positive whole numbers, got "0"`,
    ]);
  });

  it("allows notes, description and figure_sources", () => {
    const text = `${H100.join("\n")}\nnotes: x\ndescription: y\nfigure_sources: { capex_usd: "an estimate" }\n`;
    expect(loadProfiles([join(tempDir({ "p.yaml": text }), "p.yaml")])[0].id).toBe("fx-h100");
  });

  it("names both files of a duplicate profile id", () => {
    const dir = tempDir({});
    copyFileSync(join(PROFILE_DIR, "fx-h100.yaml"), join(dir, "copy.yaml"));
    expect(messagesOf(() => loadProfiles([PROFILE_DIR, dir]))).toEqual([
      `${join(dir, "copy.yaml")} id: duplicate profile id "fx-h100" (also in ${join(PROFILE_DIR, "fx-h100.yaml")})`,
    ]);
  });

  it("says so when a path does not exist", () => {
    expect(messagesOf(() => loadProfiles(["/no/such/folder"]))).toEqual([
      "/no/such/folder: no such file or folder of hardware profiles",
    ]);
  });

  it("finds the package root and the shipped folder from the source tree", () => {
    expect(existsSync(join(packageRoot(), "package.json"))).toBe(true);
    expect(JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")).name).toBe("fleetsim");
    expect(shippedProfileDir()).toBe(join(packageRoot(), "hardware-profiles"));
  });
});

describe("model catalog", () => {
  it("fills active_params_b and owner_revenue_share defaults and ignores notes", () => {
    const models = loadCatalog(CATALOG);
    expect(models.map((m) => [m.id, m.activeParamsB, m.ownerRevenueShare])).toEqual([
      ["fx-llama-70b", 70, 0],
      ["fx-moe", 13, 0.2],
      ["fx-small", 7, 0],
    ]);
  });

  it("requires every other field and refuses duplicates", () => {
    const dir = tempDir({});
    mkdirSync(join(dir, "sub"));
    const file = join(dir, "sub", "models.yaml");
    writeFileSync(
      file,
      [
        "models:",
        "  - { id: a, owner: o, params_b: 1, bytes_per_param: 2, kv_bytes_per_token: 1,",
        "      accelerators_per_replica: 1, price: { input_usd_per_mtok: 1, output_usd_per_mtok: 1 } }",
        "  - { id: a, owner: o, params_b: 1, bytes_per_param: 2, kv_bytes_per_token: 1,",
        "      accelerators_per_replica: 1, price: { input_usd_per_mtok: 1, output_usd_per_mtok: 1 } }",
        "  - id: b",
        "    price: { input_usd_per_mtok: 1 }",
      ].join("\n"),
    );
    expect(messagesOf(() => loadCatalog(file))).toEqual([
      `${file}:6 models.2.owner: is required (a string)`,
      `${file}:6 models.2.params_b: is required (a number)`,
      `${file}:6 models.2.bytes_per_param: is required (a number)`,
      `${file}:6 models.2.kv_bytes_per_token: is required (a number)`,
      `${file}:6 models.2.accelerators_per_replica: is required (a number)`,
      `${file}:7 models.2.price.output_usd_per_mtok: is required (a number)`,
    ]);
    writeFileSync(file, readFileSync(file, "utf8").split("\n").slice(0, 5).join("\n"));
    expect(messagesOf(() => loadCatalog(file))).toEqual([
      `${file}:4 models.1.id: duplicate id "a" (first at line 2)`,
    ]);
  });
});
