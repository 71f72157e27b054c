import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import {
  activeParams,
  expectedExpertsTouched,
  kvBytesPerToken,
  lmHeadParams,
  paramsReadPerStep,
  totalParams,
} from "../../src/fleet/architecture.js";
import { loadLines, MINIMAL, problemsOfLines } from "../scenario/helpers.js";
import { model, shippedModels } from "./helpers.js";

/**
 * Published parameter counts (billions): the model cards / config pages on Hugging Face
 * (Llama 2 paper Table 1 rounding aside, the safetensors totals: Llama-2-70B 68.98 B,
 * Llama-3-8B 8.03 B, Mixtral-8x7B 46.7 B total / 12.9 B active, ...).
 */
const PUBLISHED: Record<string, { total: number; active?: number }> = {
  "llama-2-7b": { total: 6.74 },
  "llama-2-13b": { total: 13.02 },
  "llama-2-70b": { total: 68.98 },
  "llama-3-8b": { total: 8.03 },
  "llama-3.1-8b": { total: 8.03 },
  "llama-3-70b": { total: 70.55 },
  "llama-3.1-70b": { total: 70.55 },
  "llama-3.1-405b": { total: 405.85 },
  "mistral-7b": { total: 7.24 },
  "mixtral-8x7b": { total: 46.7, active: 12.9 },
  "mixtral-8x22b": { total: 140.6, active: 39.1 },
  "qwen2.5-7b": { total: 7.61 },
  "qwen2.5-72b": { total: 72.7 },
  "mistral-large-2": { total: 122.6 },
};

/** Tolerance: published counts are rounded to 3 significant figures; 0.5 % covers that. */
const TOLERANCE = 0.005;

describe("model architecture", () => {
  it("derives every open catalog model's published parameter count within 0.5 %", () => {
    for (const [id, want] of Object.entries(PUBLISHED)) {
      const arch = model(id).architecture;
      expect(arch, id).toBeDefined();
      const total = totalParams(arch!) / 1e9;
      expect(Math.abs(total / want.total - 1), `${id}: derived ${total.toFixed(3)} B`).toBeLessThan(
        TOLERANCE,
      );
      if (want.active) {
        const active = activeParams(arch!) / 1e9;
        expect(Math.abs(active / want.active - 1), `${id} active: ${active.toFixed(3)} B`).toBeLessThan(
          TOLERANCE,
        );
      }
    }
  });

  it("Llama-2-70B by hand: 80 x (151.0 M attention + 704.6 M MLP + norms) + 2 x 262 M embeddings", () => {
    const a = model("llama-2-70b").architecture!;
    const attention = 8192 * 8192 * 2 + 8192 * 1024 * 2;
    const mlp = 3 * 8192 * 28672;
    expect(totalParams(a)).toBe(80 * (attention + mlp + 2 * 8192) + 2 * 32000 * 8192 + 8192);
  });

  it("every catalog entry with an architecture agrees with its params_b (1 %) and kv_bytes_per_token (exact)", () => {
    const withArch = shippedModels.filter((m) => m.architecture);
    expect(withArch.length).toBeGreaterThanOrEqual(14);
    for (const m of withArch) {
      const a = m.architecture!;
      expect(Math.abs(totalParams(a) / 1e9 / m.paramsB - 1), m.id).toBeLessThan(0.01);
      expect(Math.abs(activeParams(a) / 1e9 / m.activeParamsB - 1), m.id).toBeLessThan(0.01);
      expect(kvBytesPerToken(a, m.bytesPerParam), m.id).toBe(m.kvBytesPerToken);
    }
  });

  it("a decode step reads the layers and the LM head, not the embedding table", () => {
    const a = model("llama-3.1-8b").architecture!;
    // untied: total = read + embedding (the LM head is read, the embedding is a lookup)
    expect(paramsReadPerStep(a, 7)).toBe(totalParams(a) - a.vocabSize * a.hiddenSize);
    // tied: the one matrix is read as the head, so everything is read
    const tied = { ...a, tiedEmbeddings: true };
    expect(paramsReadPerStep(tied, 7)).toBe(totalParams(tied));
    expect(lmHeadParams(tied)).toBe(lmHeadParams(a));
  });

  it("MoE: a batch touches E(1 - (1 - k/E)^n) experts per layer, 2 for one token, all 8 for many", () => {
    const a = model("mixtral-8x7b").architecture!;
    expect(expectedExpertsTouched(a, 1)).toBeCloseTo(2, 12);
    expect(expectedExpertsTouched(a, 2)).toBeCloseTo(8 * (1 - 0.75 ** 2), 12);
    expect(expectedExpertsTouched(a, 1000)).toBeCloseTo(8, 6);
    // one token reads the active parameters minus the embedding
    expect(paramsReadPerStep(a, 1)).toBeCloseTo(activeParams(a) - a.vocabSize * a.hiddenSize, 0);
    expect(paramsReadPerStep(a, 10_000)).toBeCloseTo(totalParams(a) - a.vocabSize * a.hiddenSize, 0);
  });

  it("a scenario model's architecture is resolved (head_dim defaults to hidden / heads); experts_active <= experts", async () => {
    const s = await loadLines([
      ...MINIMAL,
      "models:",
      "  - id: fx-moe",
      "    architecture: { layers: 2, hidden_size: 64, attention_heads: 4, kv_heads: 2, intermediate_size: 128, vocab_size: 100, experts: 4, experts_active: 2 }",
    ]);
    const a = s.models.find((m) => m.id === "fx-moe")!.architecture!;
    expect(a.headDim).toBe(16);
    expect(a.experts).toBe(4);
    expect(a.tiedEmbeddings).toBe(false);
    const problems = await problemsOfLines([
      ...MINIMAL,
      "models:",
      "  - id: fx-moe",
      "    architecture: { layers: 2, hidden_size: 64, attention_heads: 4, kv_heads: 2, intermediate_size: 128, vocab_size: 100, experts: 2, experts_active: 3 }",
    ]);
    expect(problems.map(formatProblem).join("\n")).toMatch(/experts_active must be <= experts/);
  });
});
