/**
 * The public anchor's puzzles (docs/puzzles.md): every scenario of scenarios/puzzles/ loads with the
 * question its puzzle states (arrival rate, split shares, a 500 ms p99 TTFT target per side and no
 * other), and the answers docs/puzzles.md quotes for the cheapest cases hold: the smallest puzzle
 * returns its fleet, and the A100 LMSYS split has no fleet because of its long side. The docs quote
 * these answers; change both together.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { planFleet } from "../../src/plan/search.js";
import { loadScenario } from "../../src/scenario/load.js";

const DIR = resolve(import.meta.dirname, "../../scenarios/puzzles");
const load = (name: string) => loadScenario(resolve(DIR, `${name}.yaml`));

/** Each puzzle: its total arrival rate and the share of requests at most 4,096 total tokens. */
const PUZZLES: [name: string, ratePerS: number, shortShare: number][] = [
  ["lmsys-a100-split-4096", 100, 0.98374], // lmsys_cdf.json at 4,096: 0.98374
  ["azure-a100-two-pool-100", 100, 0.89821], // azure_cdf.json at 4,096: 0.89821
  ["azure-h100-two-pool-100", 100, 0.89821],
  ["azure-h100-homo-100", 100, 0.89821],
  ["azure-h100-two-pool-25", 25, 0.89821],
];

describe("inference-fleet-sim's puzzles as plan scenarios", () => {
  it.each(PUZZLES)("%s states its puzzle's question", async (name, ratePerS, shortShare) => {
    const s = await load(name);
    expect(s.name).toBe(`puzzle-${name}`);
    expect(s.description).toMatch(/inference-fleet-sim Puzzle/);
    const workloads = s.tenants.flatMap((t) => t.workloads);
    const rate = (w: (typeof workloads)[number]) =>
      w.arrival.process === "poisson" ? w.arrival.ratePerS : 0;
    const total = workloads.reduce((a, w) => a + rate(w), 0);
    expect(total).toBeCloseTo(ratePerS, 6);
    const short = workloads.find((w) => w.id === "short");
    expect((short ? rate(short) : 0) / total).toBeCloseTo(shortShare, 4);
    // The puzzle's only target: p99 TTFT 500 ms on every side, nothing on TPOT, no workload slo.
    const plan = s.plan;
    expect(plan).not.toBeNull();
    const models = new Set(workloads.map((w) => w.model));
    expect(plan?.targets.map((t) => t.model).sort()).toEqual([...models].sort());
    for (const t of plan?.targets ?? []) {
      expect(t.ttftP99S).toBe(0.5);
      expect(t.tpotP99Ms).toBeNull();
    }
    for (const w of workloads) expect(w.slo).toBeNull();
  });

  it("azure-h100-two-pool-25 plans 2 short + 6 long nodes, each side within 500 ms", async () => {
    // the long side's prefills at the H100's BF16 peak need 6 replicas to stay within 500 ms
    const o = await planFleet(await load("azure-h100-two-pool-25"));
    expect(o.nodes).toEqual([2, 6]);
    expect(o.result.targets).toHaveLength(2);
    for (const t of o.result.targets) expect(t.ttftP99S?.mean).toBeLessThanOrEqual(0.5);
  }, 60_000);

  it("lmsys-a100-split-4096 has no fleet: the long side misses 500 ms at any A100 count", async () => {
    const s = await load("lmsys-a100-split-4096");
    const err = await planFleet(s).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).toMatch(/llama-3-70b-long: no node counts/);
  }, 60_000);
});
