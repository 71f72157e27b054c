/**
 * The fluid mode under long_prefill_token_threshold: a prompt cut into chunks reaches its first
 * token ceil(P / threshold) steps after its prefill starts, so the fluid TTFT grows by the chunked
 * steps' sum less the one step that carried the whole prompt. At light load that is exactly what
 * the request engine's step replica spends (its TTFT is the sum of the chunk steps); the fluid
 * mode must add the same delay, not a full TPOT per chunk (about four times more here).
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/chunked-8b.yaml";

async function meanTtft(fidelity: "fluid" | "request", threshold: number): Promise<Map<string, number>> {
  const r = await runScenario(FIXTURE, {
    ...(fidelity === "fluid" && { fidelity: "fluid" as const }),
    set: [`scheduler.long_prefill_token_threshold=${threshold}`],
  });
  return new Map(r.run.stats.map((st) => [r.scenario.tenants[st.tenantIndex].id, st.ttftS.mean()!]));
}

describe("fluid mode with long_prefill_token_threshold", () => {
  it("adds the delay the request engine's chunked steps take (1,000- and 3,000-token prompts at 256)", async () => {
    const [fluidOff, fluidOn, reqOff, reqOn] = await Promise.all([
      meanTtft("fluid", 0),
      meanTtft("fluid", 256),
      meanTtft("request", 0),
      meanTtft("request", 256),
    ]);
    for (const tenant of ["chat", "batch"]) {
      const fluidDelay = fluidOn.get(tenant)! - fluidOff.get(tenant)!;
      const requestDelay = reqOn.get(tenant)! - reqOff.get(tenant)!;
      expect(requestDelay).toBeGreaterThan(0);
      // light load: the same steps, so the same delay up to the decodes' mean context (5 %)
      expect(Math.abs(fluidDelay - requestDelay)).toBeLessThan(0.05 * requestDelay);
    }
  });

  it("changes nothing when no prompt is longer than the threshold", async () => {
    const [off, above] = await Promise.all([meanTtft("fluid", 0), meanTtft("fluid", 4096)]);
    for (const [tenant, t] of off) expect(above.get(tenant)).toBe(t);
  });
});
