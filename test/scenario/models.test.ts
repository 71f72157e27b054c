import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import { loadLines, MINIMAL, problemsOfLines } from "./helpers.js";

describe("models and the catalog", () => {
  it("takes the catalog entry and overrides only the fields given (price field by field)", async () => {
    const s = await loadLines([
      ...MINIMAL,
      "models:",
      "  - id: fx-moe",
      "    price: { output_usd_per_mtok: 2 }",
      "    accelerators_per_replica: 4",
      "  - id: fx-llama-70b",
    ]);
    const moe = s.models.find((m) => m.id === "fx-moe");
    expect(moe).toEqual({
      id: "fx-moe",
      owner: "mistral",
      paramsB: 47,
      activeParamsB: 13,
      bytesPerParam: 2,
      kvBytesPerToken: 131_072,
      acceleratorsPerReplica: 4, // overridden
      price: { inputUsdPerMtok: 0.5, outputUsdPerMtok: 2 }, // output overridden, input from the catalog
      ownerRevenueShare: 0.2,
    });
    // declared order, then implicit ones
    expect(s.models.map((m) => m.id)).toEqual(["fx-moe", "fx-llama-70b"]);
  });

  it("includes catalog models referenced anywhere without being listed, in order of first use", async () => {
    const lines = [...MINIMAL, "        fallback: [fx-small]", "events:"];
    lines.push("  - { at: 1h, type: model_outage, model: fx-moe, duration: 1h }");
    const s = await loadLines(lines);
    expect(s.models.map((m) => m.id)).toEqual(["fx-llama-70b", "fx-small", "fx-moe"]);
  });

  it("leaves out catalog models nobody uses", async () => {
    const s = await loadLines(MINIMAL);
    expect(s.models.map((m) => m.id)).toEqual(["fx-llama-70b"]);
  });

  it("requires every figure of a model not in the catalog", async () => {
    const problems = await problemsOfLines([
      ...MINIMAL,
      "models:",
      "  - { id: mine, owner: me, params_b: 3 }",
    ]);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^S:18 models\.0: model "mine" is not in the catalog \(.*models\.yaml\), so it must give bytes_per_param, kv_bytes_per_token, accelerators_per_replica, price\.input_usd_per_mtok, price\.output_usd_per_mtok$/,
      ),
    ]);
  });

  it("refuses more active than total parameters", async () => {
    const problems = await problemsOfLines([
      ...MINIMAL,
      "models:",
      "  - { id: fx-moe, active_params_b: 50 }",
    ]);
    expect(problems.map(formatProblem)).toEqual([
      "S:18 models.0.active_params_b: must be <= params_b (47), got 50",
    ]);
  });
});
