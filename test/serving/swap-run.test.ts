/**
 * Swap preemption (scheduler.preemption: swap) in a run, against recompute on the same scenario
 * and seed with the KV memory squeezed: the same requests arrive, every one is accounted for
 * (completed, rejected or in flight), tokens are billed once and money follows tokens; swaps are
 * counted per tenant and in the summary. Direction (docs/service-model.md "Swap"): a victim that
 * is swapped resumes after copying its blocks out and back (2 x 128 KiB per token of Llama 3.1 8B
 * over 64 GB/s, about 4 us a token) instead of recomputing its prompt and output (about 30 us a
 * token at 50 % of the H100's BF16 peak), so swapping finishes requests sooner: lower mean and
 * p99 end-to-end time, and no later first tokens on average (the replica spends less time
 * recomputing, so waiting prompts start sooner).
 */
import { describe, expect, it } from "vitest";
import { summaryText } from "../../src/output/summary-text.js";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { runScenario } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/chunked-8b.yaml";
/**
 * KV-starved near saturation: gpu_memory_utilization 0.2282 of 80 GiB leaves 574 blocks of 16
 * tokens (9,184 tokens) after the weights, so a replica holds one chat request of 4,800 tokens and part of a
 * second; 2.5 requests/s over 8 replicas keep them full, so requests are preempted often and the
 * time recompute spends computing prompts again is capacity the queue waits for.
 */
const STARVED = [
  "scheduler.gpu_memory_utilization=0.2282",
  "tenants.0.workloads.0.arrival.rate_per_s=2",
  "tenants.0.workloads.0.prompt_tokens.value=4000",
  "tenants.0.workloads.0.output_tokens.value=800",
  "tenants.1.workloads.0.arrival.rate_per_s=0.5",
];

const run = (preemption: string, more: string[] = []) =>
  runScenario(FIXTURE, { set: [...STARVED, `scheduler.preemption=${preemption}`, ...more], horizon: "10m" });

describe("swap preemption in a run", () => {
  it("conserves requests, tokens and money against recompute, counts swaps, and finishes requests sooner", async () => {
    const recompute = await run("recompute");
    const swap = await run("swap");
    const [r, s] = [recompute.summary, swap.summary];
    // recompute never swaps; swap swaps every victim (host memory holds 4 GiB of blocks, far more
    // than a few victims of 2,500 tokens x 128 KiB)
    expect(r.kvSwaps).toBe(0);
    expect(s.kvPreemptions).toBeGreaterThan(50);
    expect(s.kvSwaps).toBe(s.kvPreemptions);
    expect(swap.run.stats.reduce((a, st) => a + st.kvSwapped, 0)).toBe(s.kvSwaps);
    for (const st of swap.run.stats) expect(st.kvSwapped).toBe(st.kvPreempted);
    expect(summaryText(s, null)).toContain(`    swapped to host     ${s.kvSwaps.toLocaleString("en-US")}\n`);
    expect(summaryText(r, null)).not.toContain("swapped to host");
    // the same arrivals, each accounted for
    expect(s.requests).toBe(r.requests);
    for (const out of [recompute, swap]) {
      expectEveryRequestAccounted(out.run);
      // constant prompts and outputs: every completed request billed its tokens once
      const [chat, batch] = [0, 1].map((ti) => out.run.stats.find((x) => x.tenantIndex === ti)!);
      expect(chat.outputTokens).toBe(chat.completed * 800);
      expect(batch.outputTokens).toBe(batch.completed * 50);
      expect(chat.inputTokens).toBe(chat.completed * 4000);
      expect(batch.inputTokens).toBe(batch.completed * 3000);
    }
    // money follows the tokens billed: revenue = tokens x list price (token contracts, no discount;
    // revenue is in micro-dollars, rounded per line: 1e-6 relative)
    const price = swap.scenario.models.find((m) => m.id === "llama-3.1-8b")!.price;
    expect(s.completed).toBeGreaterThan(0);
    for (const x of [r, s]) {
      const list = x.inputTokens * price.inputUsdPerMtok + x.outputTokens * price.outputUsdPerMtok;
      expect(Math.abs(x.revenue - list)).toBeLessThanOrEqual(1e-6 * list);
    }
    // swapping does not recompute: first tokens come sooner and requests finish sooner (means over
    // the completed requests)
    const mean = (x: typeof recompute, of: "ttftS" | "e2eS") =>
      x.run.stats.reduce((a, st) => a + st[of].mean()! * st.completed, 0) / x.summary.completed;
    expect(mean(swap, "ttftS")).toBeLessThan(mean(recompute, "ttftS"));
    expect(mean(swap, "e2eS")).toBeLessThan(mean(recompute, "e2eS"));
  });

  it("with swap_space_gb 0 no victim fits in host memory: every one is recomputed, as under recompute", async () => {
    const recompute = await run("recompute");
    const none = await run("swap", ["scheduler.swap_space_gb=0"]);
    expect(none.summary.kvSwaps).toBe(0);
    expect(none.summary.kvPreemptions).toBe(recompute.summary.kvPreemptions);
    expect(none.summary.kvPreemptions).toBeGreaterThan(50);
    for (const [i, st] of none.run.stats.entries()) {
      expect(st.completed).toBe(recompute.run.stats[i]!.completed);
      expect(st.ttftS.mean()).toBe(recompute.run.stats[i]!.ttftS.mean());
      expect(st.e2eS.mean()).toBe(recompute.run.stats[i]!.e2eS.mean());
    }
  });
});
