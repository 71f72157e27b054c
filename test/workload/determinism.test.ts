import { describe, expect, it } from "vitest";
import type { WorkloadSpec } from "../../src/scenario/types.js";
import { createSource } from "../../src/workload/create-source.js";
import type { RequestDraw, SourceContext } from "../../src/workload/source.js";
import { context, poisson, workload } from "./helpers.js";

const lognormal = { dist: "lognormal" as const, median: 1020, p90: 4200, max: null };
const spec = (id: string, rate = 5): WorkloadSpec =>
  workload(poisson(rate, { diurnal: { peakToTrough: 2, peakHourUtc: 12 } }), {
    id,
    prompt: lognormal,
    output: { dist: "exponential", mean: 200, max: 2000 },
  });

function draws(w: WorkloadSpec, ctx: SourceContext, n: number): RequestDraw[] {
  const s = createSource(w, ctx);
  const list: RequestDraw[] = [];
  for (let i = 0; i < n; i++) {
    const d = { time: 0, promptTokens: 0, outputTokens: 0 };
    if (!s.next(d)) break;
    list.push(d);
  }
  return list;
}

describe("random streams", () => {
  const ctx = context(86_400);

  it("same seed, tenant and workload id give the same sequence", () => {
    expect(draws(spec("a"), ctx, 2000)).toEqual(draws(spec("a"), ctx, 2000));
  });

  it("a different workload id, tenant or seed gives a different sequence", () => {
    const base = draws(spec("a"), ctx, 100);
    expect(draws(spec("b"), ctx, 100)).not.toEqual(base);
    expect(draws(spec("a"), { ...ctx, tenantId: "u" }, 100)).not.toEqual(base);
    expect(draws(spec("a"), { ...ctx, seed: 43 }, 100)).not.toEqual(base);
  });

  it("a workload's requests are the same whether or not other workloads and tenants exist", () => {
    const alone = draws(spec("a"), ctx, 3000);
    // Interleave with other tenants' and workloads' sources drawing in between.
    const others = [createSource(spec("b"), ctx), createSource(spec("a"), { ...ctx, tenantId: "other" })];
    const mine = createSource(spec("a"), ctx);
    const together: RequestDraw[] = [];
    const scratch = { time: 0, promptTokens: 0, outputTokens: 0 };
    for (let i = 0; i < 3000; i++) {
      for (const o of others) o.next(scratch);
      const d = { time: 0, promptTokens: 0, outputTokens: 0 };
      mine.next(d);
      together.push(d);
    }
    expect(together).toEqual(alone);
  });

  it("changing the rate leaves the k-th request's token draws unchanged", () => {
    const slow = draws(spec("a", 5), ctx, 1000);
    const fast = draws(spec("a", 50), ctx, 1000);
    expect(fast.map((d) => d.time)).not.toEqual(slow.map((d) => d.time));
    expect(fast.map((d) => [d.promptTokens, d.outputTokens])).toEqual(
      slow.map((d) => [d.promptTokens, d.outputTokens]),
    );
  });

  it("a longer horizon only appends requests", () => {
    const short = draws(spec("a"), context(3600), 1e9);
    const long = draws(spec("a"), context(7200), 1e9);
    expect(long.slice(0, short.length)).toEqual(short);
    expect(long[short.length].time).toBeGreaterThanOrEqual(3600);
  });
});
