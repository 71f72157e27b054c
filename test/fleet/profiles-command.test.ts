import { describe, expect, it } from "vitest";
import { profilesText } from "../../src/cli/commands/profiles.js";
import { InputError } from "../../src/errors.js";
import { serviceCurve } from "../../src/fleet/service-model.js";
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
