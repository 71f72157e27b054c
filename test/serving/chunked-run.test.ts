/**
 * Runs with step-level service (scheduler.prefill: chunked) end to end: lone requests take exactly
 * the step model's times; with KV memory squeezed, requests are preempted, counted per tenant and in
 * the summary, and recomputed without being billed twice.
 */
import { describe, expect, it } from "vitest";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { addPrefillChunk, emptyComposition } from "../../src/fleet/step-time.js";
import { summaryText } from "../../src/output/summary-text.js";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { runScenario } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/chunked-8b.yaml";
const REL = 1e-9;

describe("step-level service in a run", () => {
  it("gives a lone request the step model's TTFT (one prompt step) and TPOT (a stretch of decode steps)", async () => {
    const { scenario, run, summary } = await runScenario(FIXTURE);
    expect(summaryText(summary, null)).not.toContain("KV preemptions");
    const profile = scenario.profiles.find((p) => p.id === "nd-h100-v5")!;
    const model = scenario.models.find((m) => m.id === "llama-3.1-8b")!;
    const { stepModel } = servingSetup(profile, model);
    // 8 replicas and 0.1 request/s: every request finds an idle replica (checked: none waited)
    for (const [tenant, prompt, output] of [
      ["chat", 1000, 100],
      ["batch", 3000, 50],
    ] as const) {
      const ti = scenario.tenants.findIndex((t) => t.id === tenant);
      const st = run.stats.find((x) => x.tenantIndex === ti)!;
      expect(st.completed).toBeGreaterThan(20);
      expect(st.kvPreempted).toBe(0);
      const c = emptyComposition();
      addPrefillChunk(c, 0, prompt, true);
      const ttft = stepModel.stepSeconds(c);
      const tpot = stepModel.decodeRunSeconds(1, prompt, output - 1) / (output - 1);
      expect(Math.abs(st.ttftS.mean()! - ttft)).toBeLessThan(REL * ttft * 10);
      expect(Math.abs(st.tpotS.mean()! - tpot)).toBeLessThan(REL * tpot * 10);
    }
  });

  it("preempts for KV blocks when memory is short, counts it per tenant, and bills each request once", async () => {
    const { run, summary } = await runScenario(FIXTURE, {
      set: [
        "scheduler.gpu_memory_utilization=0.25",
        "tenants.0.workloads.0.arrival.rate_per_s=30",
        "tenants.1.workloads.0.arrival.rate_per_s=10",
        "tenants.0.workloads.0.output_tokens.value=1500",
      ],
      horizon: "4m",
    });
    const total = run.stats.reduce((a, st) => a + st.kvPreempted, 0);
    expect(total).toBeGreaterThan(100);
    expect(summary.kvPreemptions).toBe(total);
    expect(summaryText(summary, null)).toContain(
      `  KV preemptions        ${total.toLocaleString("en-US")}\n`,
    );
    for (const st of run.stats) expect(st.kvPreempted).toBeGreaterThan(0);
    expectEveryRequestAccounted(run);
    // constant outputs: a request recomputed after preemption still bills its tokens once
    const [chat, batch] = [0, 1].map((ti) => run.stats.find((x) => x.tenantIndex === ti)!);
    expect(chat.outputTokens).toBe(chat.completed * 1500);
    expect(batch.outputTokens).toBe(batch.completed * 50);
    expect(chat.inputTokens).toBe(chat.completed * 1000);
    expect(summary.kvPeakUtilization).toBeLessThanOrEqual(1);
    expect(summary.kvPeakUtilization).toBeGreaterThan(0.95);
  });
});
