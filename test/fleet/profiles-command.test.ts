import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { profilesText } from "../../src/cli/commands/profiles.js";
import { InputError } from "../../src/errors.js";
import { serviceCurve } from "../../src/fleet/service-model.js";
import { loadProfiles, shippedProfileDir } from "../../src/scenario/profiles.js";
import { model, profile, shippedModels, shippedProfiles } from "./helpers.js";

describe("fleetsim profiles", () => {
  it("lists every profile, grouped by kind in the order gpu, maia, cobalt", () => {
    const text = profilesText(shippedProfiles, shippedModels);
    for (const p of shippedProfiles) expect(text).toContain(p.id);
    const gpu = text.indexOf("GPU nodes");
    const maia = text.indexOf("Maia nodes");
    const cobalt = text.indexOf("Cobalt (CPU) nodes");
    expect(gpu).toBeGreaterThanOrEqual(0);
    expect(maia).toBeGreaterThan(gpu);
    expect(cobalt).toBeGreaterThan(maia);
    expect(text.indexOf("cobalt-100")).toBeGreaterThan(cobalt);
    expect(text).toContain("$98.32");
  });

  it("shows one profile's figures, sources and per-model rows with the cost at full load", () => {
    const text = profilesText(shippedProfiles, shippedModels, "nd-h100-v5");
    expect(text).toContain("[S20]");
    const row = text.split("\n").find((l) => l.startsWith("llama-2-70b "))!;
    expect(row).toContain("measured");
    // 4 replicas per node at the KV-limited max batch for 1,024 + 256 tokens of context
    const curve = serviceCurve(profile("nd-h100-v5"), model("llama-2-70b"), {
      meanContextTokens: 1280,
      maxBatchCap: null,
    });
    const nodeTokensPerS = 4 * curve.decodeTokensPerS[curve.maxBatch];
    const cost = (98.32 / (3600 * nodeTokensPerS)) * 1e6;
    expect(row).toContain(`$${cost.toFixed(2)}`);
    expect(row.split(/\s+/)).toEqual(expect.arrayContaining(["llama-2-70b", "4", String(curve.maxBatch)]));
    // Llama 2's context, 4,096 tokens, in its own column
    expect(row.split(/\s+/).slice(0, 4)).toEqual(["llama-2-70b", "4", "4,096", String(curve.maxBatch)]);
  });

  it("shows vLLM's batch defaults for the hardware: larger on an H100 than on an A100", () => {
    const line = (id: string) =>
      profilesText(shippedProfiles, shippedModels, id)
        .split("\n")
        .find((l) => l.startsWith("vLLM batch defaults"));
    expect(line("nd-h100-v5")).toMatch(/8,192 tokens a step, 1,024 requests/);
    expect(line("nd-a100-v4")).toMatch(/2,048 tokens a step, 256 requests/);
  });

  it("lists the models that do not fit with the reason", () => {
    const text = profilesText(shippedProfiles, shippedModels, "cobalt-100");
    const [fits, misfits] = text.split("models that do not fit");
    expect(fits).toMatch(/^mistral-7b /m);
    expect(misfits).toMatch(/llama-2-70b spans 2 accelerators/);
  });

  it("rejects an unknown id with a did-you-mean", () => {
    let error: unknown;
    try {
      profilesText(shippedProfiles, shippedModels, "nd-h200-v6");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const problem = (error as InputError).problems[0];
    expect(problem.file).toBe("profiles");
    expect(problem.message).toMatch(/did you mean "nd-h200-v5"/);
  });
});

describe("power per accelerator", () => {
  it("splits each node's power into its accelerators' and the rest of the node, adding up to the node", () => {
    const profiles = loadProfiles([shippedProfileDir()]);
    const h100 = profiles.find((p) => p.id === "nd-h100-v5")!;
    expect(h100.powerW.accelerator).toEqual({ idle: 75, peak: 700 });
    expect(h100.powerW.other).toEqual({ idle: 1400, peak: 4600 });
    let split = 0;
    for (const p of profiles) {
      if (!p.powerW.accelerator || !p.powerW.other) continue;
      split++;
      for (const k of ["idle", "peak"] as const) {
        expect(p.acceleratorsPerNode * p.powerW.accelerator[k] + p.powerW.other[k], `${p.id} ${k}`).toBe(
          p.powerW[k],
        );
        expect(p.powerW.other[k]).toBeGreaterThanOrEqual(0);
      }
    }
    expect(split).toBeGreaterThanOrEqual(5);
  });

  it("refuses accelerators drawing more than their node, with the file, line and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-power-"));
    const text = readFileSync(join(shippedProfileDir(), "nd-h100-v5.yaml"), "utf8").replace(
      "accelerator: { idle: 75, peak: 700 }",
      "accelerator: { idle: 75, peak: 1300 }",
    );
    writeFileSync(join(dir, "bad.yaml"), text);
    expect(() => loadProfiles([join(dir, "bad.yaml")])).toThrow(
      /bad\.yaml:\d+ power_w\.accelerator\.peak: 8 accelerators x 1300 W is more than the node's peak power \(10200 W\), got 1300/,
    );
  });
});
