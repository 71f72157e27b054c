/**
 * model_outage: with a fallback, requests fail over and are billed at the fallback model's price;
 * without one, every request of the outage window is rejected. Arrivals are evenly spaced
 * (constant process) and requests identical, so the counts are exact up to one boundary arrival.
 */
import { describe, expect, it } from "vitest";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { runDoc, smallTokens } from "./support.js";

const RATE = 2;
const OUTAGE_START = 3600;
const OUTAGE = 3600;

function scenario(fallback: string[]) {
  return {
    name: "outage",
    horizon: "3h",
    report_interval: "1h",
    fleet: {
      pools: [
        {
          id: "h100",
          profile: "nd-h100-v5",
          nodes: 2,
          serves: [
            { model: "gpt-4o", nodes: 1 },
            { model: "claude-3.5-sonnet", nodes: 1 },
          ],
        },
      ],
    },
    tenants: [
      {
        id: "bank",
        contract: { type: "token", discount: 0.1 },
        workloads: [
          { model: "gpt-4o", arrival: { process: "constant", rate_per_s: RATE }, ...smallTokens, fallback },
        ],
      },
    ],
    events: [{ at: OUTAGE_START, type: "model_outage", model: "gpt-4o", duration: OUTAGE }],
  };
}

describe("model_outage", () => {
  it("fails over to the fallback model, billed at the fallback's price", async () => {
    const { scenario: s, run, fin, summary } = await runDoc(scenario(["claude-3.5-sonnet"]));
    const claude = s.models.findIndex((m) => m.id === "claude-3.5-sonnet");
    const claudeGroup = run.topology.groups.find((g) => g.modelIndex === claude)!.index;
    expect(summary.rejected).toBe(0);
    // Requests arriving in the window, plus those the outage took out of the gpt-4o replica.
    expect(Math.abs(summary.failedOver - summary.interrupted - RATE * OUTAGE)).toBeLessThanOrEqual(1);
    for (const u of run.usage.rows) {
      if (u.failedOver > 0) expect(u.group).toBe(claudeGroup);
      // Within the outage hour (interval 1) everything is served by the fallback.
      if (u.interval === 1) expect(u.group).toBe(claudeGroup);
    }
    // Revenue of the rows served by claude: its list price (3 / 15 per M) less the 10 % discount.
    const claudeRows = run.usage.rows.filter((u) => u.group === claudeGroup);
    const input = claudeRows.reduce((a, u) => a + u.inputTokens, 0);
    const output = claudeRows.reduce((a, u) => a + u.outputTokens, 0);
    const expected = ((input * 3 + output * 15) / 1e6) * 0.9;
    const billed = fin.revenue.filter((l) => l.model === claude).reduce((a, l) => a + l.revenue, 0) / 1e6;
    expect(input).toBeGreaterThan(0);
    // Each revenue line is rounded to the micro-dollar once.
    expect(Math.abs(billed - expected)).toBeLessThanOrEqual(claudeRows.length * 1e-6);
    const atGpt4oPrice = ((input * 2.5 + output * 10) / 1e6) * 0.9;
    expect(Math.abs(billed - atGpt4oPrice)).toBeGreaterThan(1);
  });

  it("under shared_queue, fails over the requests waiting in the model's queue, not only those held", async () => {
    // One gpt-4o replica serving one request at a time is overloaded at 2/s: its class queue holds
    // hundreds when the outage starts. With no gpt-4o replica left in service they fail over at
    // once, counted as interrupted, instead of waiting out the outage hour. (prefill: pause: the
    // one-at-a-time replica whose speed the overload was sized for.)
    const doc = {
      ...scenario(["claude-3.5-sonnet"]),
      scheduler: { routing: "shared_queue", max_batch: 1, prefill: "pause" },
    };
    const { run, summary } = await runDoc(doc);
    const replicas = run.topology.groups.find((g) => g.model.id === "gpt-4o")!.slots;
    expect(summary.rejected).toBe(0);
    expect(summary.interrupted).toBeGreaterThan(100 * replicas);
  });

  it("rejects the window's requests when there is no fallback, and recovers after it", async () => {
    const { run, summary } = await runDoc(scenario([]));
    expect(summary.failedOver).toBe(0);
    expect(Math.abs(summary.rejected - summary.interrupted - RATE * OUTAGE)).toBeLessThanOrEqual(1);
    const served = (k: number) =>
      run.usage.rows.filter((u) => u.interval === k).reduce((a, u) => a + u.requests, 0);
    expect(served(1)).toBe(0);
    expect(served(0)).toBeGreaterThan(RATE * 3600 - 10);
    expect(served(2)).toBeGreaterThan(RATE * 3600 - 10);
  });
});

/** One hour of constant gpt-4o requests (2/s, 500-token prompts) with a pool_outage of h100 at 20m. */
function poolOutageScenario(o: {
  name: string;
  fleet: object;
  outputTokens: number;
  outage: { duration: string; fraction: number };
}) {
  return {
    name: o.name,
    horizon: "1h",
    report_interval: "10m",
    fleet: o.fleet,
    tenants: [
      {
        id: "bank",
        workloads: [
          {
            model: "gpt-4o",
            arrival: { process: "constant", rate_per_s: 2 },
            prompt_tokens: { dist: "constant", value: 500 },
            output_tokens: { dist: "constant", value: o.outputTokens },
          },
        ],
      },
    ],
    events: [{ at: "20m", type: "pool_outage", pool: "h100", ...o.outage }],
  };
}

describe("pool_outage", () => {
  it("takes a fraction of the pool down and re-routes the requests it held, counted as interrupted", async () => {
    const doc = poolOutageScenario({
      name: "pool-outage",
      fleet: {
        pools: [{ id: "h100", profile: "nd-h100-v5", nodes: 2, serves: [{ model: "gpt-4o", nodes: 2 }] }],
      },
      outputTokens: 1000,
      outage: { duration: "10m", fraction: 0.5 },
    });
    const { run, summary } = await runDoc(doc);
    expect(summary.interrupted).toBeGreaterThan(0);
    expect(summary.rejected).toBe(0);
    expectEveryRequestAccounted(run);
    // One of the two replicas is available during the outage interval (20m-30m), both otherwise.
    const g = run.topology.groups[0].index;
    const available = (k: number) => run.grid.available[run.grid.at(k, g)];
    expect(available(1)).toBeCloseTo(1200, 6);
    expect(available(2)).toBeCloseTo(600, 6);
    expect(available(3)).toBeCloseTo(1200, 6);
  });

  it("counts the replicas in service when it starts, not slots a later build-out adds", async () => {
    // gpt-4o takes a whole H100 node per replica: 2 replicas at first, 4 slots after the 40m build-out.
    const doc = poolOutageScenario({
      name: "pool-outage-buildout",
      fleet: {
        pools: [{ id: "h100", profile: "nd-h100-v5", nodes: 4, serves: [{ model: "gpt-4o", nodes: 2 }] }],
        changes: [{ at: "40m", pool: "h100", model: "gpt-4o", add_nodes: 2 }],
      },
      outputTokens: 100,
      // From 20m to 50m: half of the 2 replicas in service at 20m (1), not half of the 4 slots (2).
      outage: { duration: "30m", fraction: 0.5 },
    });
    for (const fidelity of ["request", "fluid"] as const) {
      const { run } = await runDoc(doc, { fidelity });
      const g = run.topology.groups[0].index;
      expect(run.topology.groups[0].slots).toBe(4);
      const available = (k: number) => run.grid.available[run.grid.at(k, g)] / 600;
      const present = (k: number) => run.grid.present[run.grid.at(k, g)] / 600;
      expect([0, 1, 2, 3, 4, 5].map(present), fidelity).toEqual([2, 2, 2, 2, 4, 4]);
      // The node added during the outage comes up working; the one taken down returns at 50m.
      expect(
        [0, 1, 2, 3, 4, 5].map((k) => Math.round(available(k) * 1e6) / 1e6),
        fidelity,
      ).toEqual([2, 2, 1, 1, 3, 4]);
    }
  });
});
