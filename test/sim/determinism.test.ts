/** Same scenario and seed: byte-identical output files (summary.json but for its wall-clock fields). */
import { describe, expect, it } from "vitest";
import { runScenario } from "../support/run-scenario.js";

const WALL_CLOCK = /"(wall_seconds|events_per_second)": [^,\n]+/g;

function comparable(files: Map<string, string>): Map<string, string> {
  const out = new Map(files);
  out.set("summary.json", files.get("summary.json")!.replace(WALL_CLOCK, '"$1": 0'));
  return out;
}

describe("determinism", () => {
  it("gives byte-identical files for the same scenario and seed, and different ones for another seed", async () => {
    const opts = { horizon: "2h" };
    const a = comparable((await runScenario("scenarios/multi-model-2025.yaml", opts)).files());
    const b = comparable((await runScenario("scenarios/multi-model-2025.yaml", opts)).files());
    expect([...a.keys()].sort()).toEqual([
      "capacity.csv",
      "margin.csv",
      "models.csv",
      "revenue_by_model.csv",
      "scaling.csv",
      "summary.csv",
      "summary.json",
      "tenants.csv",
      "timeseries.csv",
    ]);
    for (const [name, content] of a) expect(b.get(name), name).toBe(content);
    const c = comparable(
      (await runScenario("scenarios/multi-model-2025.yaml", { ...opts, seed: 43 })).files(),
    );
    expect(c.get("tenants.csv")).not.toBe(a.get("tenants.csv"));
  });
});
