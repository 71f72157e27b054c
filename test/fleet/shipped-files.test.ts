import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fitProblem } from "../../src/fleet/placement.js";
import { shippedProfileDir } from "../../src/scenario/profiles.js";
import { shippedModels, shippedProfiles } from "./helpers.js";

const REQUIRED_PROFILES = ["nd-a100-v4", "nd-h100-v5", "nd-h200-v5", "maia-100", "cobalt-100"];
const REQUIRED_MODELS = [
  "gpt-4o",
  "gpt-4o-mini",
  "claude-3.5-sonnet",
  "claude-3-haiku",
  "mistral-large-2",
  "mixtral-8x7b",
  "mistral-7b",
  "llama-2-70b",
  "llama-3-70b",
  "llama-3.1-8b",
];

function raw(file: string): Record<string, unknown> {
  return parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

describe("shipped hardware profiles and catalog", () => {
  it("load through the scenario loader, with every required id", () => {
    const ids = shippedProfiles.map((p) => p.id);
    for (const id of REQUIRED_PROFILES) expect(ids).toContain(id);
    const models = shippedModels.map((m) => m.id);
    for (const id of REQUIRED_MODELS) expect(models).toContain(id);
  });

  it("every profile has sources, and a figure source for each figure", () => {
    for (const p of shippedProfiles) {
      expect(p.sources.length, p.id).toBeGreaterThan(0);
      const figureSources = raw(p.file).figure_sources as Record<string, string>;
      const keys = Object.keys(figureSources);
      for (const field of [
        "accelerators_per_node",
        "memory_gb_per_accelerator",
        "memory_bandwidth_tb_per_s",
        "peak_tflops",
        "efficiency",
        "capex_usd",
        "opex_usd_per_hour",
        "price_usd_per_hour",
      ]) {
        expect(keys, `${p.id} ${field}`).toContain(field);
      }
      expect(
        keys.some((k) => k.startsWith("power_w")),
        p.id,
      ).toBe(true);
    }
  });

  it("marks the unpublished prices as estimates", () => {
    for (const id of ["nd-h200-v5", "maia-100", "cobalt-100", "nd-gb200-v6"]) {
      const file = join(shippedProfileDir(), `${id}.yaml`);
      const figureSources = raw(file).figure_sources as Record<string, string>;
      expect(figureSources.price_usd_per_hour, id).toMatch(/^ESTIMATE/);
    }
  });

  it("every catalog model has sources and fits at least one shipped profile", () => {
    const catalog = raw(join(shippedProfileDir(), "models.yaml")).models as Array<Record<string, unknown>>;
    for (const entry of catalog)
      expect((entry.sources as string[]).length, String(entry.id)).toBeGreaterThan(0);
    for (const m of shippedModels) {
      expect(
        shippedProfiles.some((p) => fitProblem(p, m) === null),
        m.id,
      ).toBe(true);
    }
  });

  it("measured tables name catalog models that fit their profile", () => {
    const ids = new Set(shippedModels.map((m) => m.id));
    for (const p of shippedProfiles) {
      for (const perf of p.performance) {
        expect(ids.has(perf.model), `${p.id} ${perf.model}`).toBe(true);
        const m = shippedModels.find((x) => x.id === perf.model)!;
        expect(fitProblem(p, m)).toBeNull();
      }
    }
  });

  it("llama-2-70b's KV bytes per token follow its architecture (80 layers x 8 KV heads x 128 x 2 x 1 byte)", () => {
    const m = shippedModels.find((x) => x.id === "llama-2-70b")!;
    expect(m.kvBytesPerToken).toBe(80 * 8 * 128 * 2 * m.bytesPerParam);
  });

  it("open-weight models pay no revenue share; closed ones a share in (0, 1)", () => {
    for (const m of shippedModels) {
      if (m.owner === "meta" || m.id === "mistral-7b" || m.id === "mixtral-8x7b") {
        expect(m.ownerRevenueShare, m.id).toBe(0);
      }
      if (m.owner === "openai" || m.owner === "anthropic") {
        expect(m.ownerRevenueShare, m.id).toBeGreaterThan(0);
        expect(m.ownerRevenueShare, m.id).toBeLessThan(1);
      }
    }
  });
});
