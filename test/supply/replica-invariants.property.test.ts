/**
 * Property: whatever the scenario (batch caps, KV bytes per token, token distributions, arrival
 * rate, routing policy, continuous or static batching, queue limits), no replica ever holds more
 * requests than its maximum batch or more KV bytes than its KV memory, and every completed request
 * was admitted no earlier than it arrived and finished after it was admitted. Observed through spies
 * on Replica.prototype.admit and step (after each call), reading the request store at completion.
 *
 * The fixture server (test/fixtures/supply/profiles/small-server.yaml) has 0.8 GB of KV memory per
 * replica, so large kv_bytes_per_token make the KV limit bind. Requests are capped at 1,024 tokens of
 * context, the most a replica is guaranteed to hold (src/fleet/memory.ts). Larger requests are
 * covered by oversize-request.test.ts (one replica size) and mixed-kv.test.ts (mixed sizes).
 * fast-check's seed is fixed so the 40 scenarios are the same on every run; the test also checks
 * that they reach a full batch, a nearly full KV cache and queue rejections, so it is not vacuous.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import type { Clock } from "../../src/engine/simulator.js";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { Replica } from "../../src/scheduler/replica.js";
import type { RequestStore } from "../../src/scheduler/request-store.js";
import { repoRoot } from "../support/run-scenario.js";

const PROFILES = join(repoRoot, "test/fixtures/supply/profiles");
const POLICIES = ["shared_queue", "round_robin", "least_loaded", "power_of_two", "cost_aware", "slo_aware"];

/** Token distributions whose values never exceed `cap` (prompt cap + output cap = 1,024). */
const tokens = (cap: number) =>
  fc.oneof(
    fc.integer({ min: 1, max: cap }).map((value) => ({ dist: "constant", value })),
    fc.integer({ min: 1, max: cap }).map((mean) => ({ dist: "exponential", mean, max: cap })),
    fc
      .tuple(fc.integer({ min: 1, max: cap }), fc.integer({ min: 0, max: cap }))
      .map(([a, w]) => ({ dist: "uniform", min: a, max: Math.min(cap, a + w) })),
    fc
      .tuple(fc.integer({ min: 1, max: cap }), fc.double({ min: 1.01, max: 5, noNaN: true }))
      .map(([median, k]) => ({ dist: "lognormal", median, p90: median * k, max: cap })),
  );

const scenarioArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  routing: fc.constantFrom(...POLICIES),
  batching: fc.constantFrom("continuous", "static"),
  maxBatch: fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
  maxQueue: fc.constantFrom(0, 3, 50, 100_000),
  kvBytesPerToken: fc.integer({ min: 1_000, max: 780_000 }),
  nodes: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 })),
  ratePerS: fc.double({ min: 0.2, max: 40, noNaN: true }),
  prompt: tokens(600),
  output: tokens(424),
  slo: fc.option(
    fc.record({
      ttft_s: fc.double({ min: 0.01, max: 5, noNaN: true }),
      tpot_ms: fc.integer({ min: 5, max: 500 }),
    }),
    { nil: undefined },
  ),
  horizonS: fc.integer({ min: 30, max: 120 }),
});

type Params = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function scenarioYaml(p: Params): string {
  const pool = (id: string, nodes: number) => ({
    id,
    profile: "small-server",
    nodes,
    serves: [{ model: "small-model", nodes }],
  });
  const pools = [pool("a", p.nodes[0])];
  if (p.nodes[1] > 0) pools.push(pool("b", p.nodes[1]));
  return stringify({
    name: "replica-invariants",
    seed: p.seed,
    horizon: p.horizonS,
    report_interval: 30,
    hardware_profiles: [PROFILES],
    models: [
      {
        id: "small-model",
        owner: "test",
        params_b: 0.1,
        bytes_per_param: 1,
        kv_bytes_per_token: p.kvBytesPerToken,
        accelerators_per_replica: 1,
        price: { input_usd_per_mtok: 1, output_usd_per_mtok: 2 },
      },
    ],
    fleet: { pools },
    tenants: [
      {
        id: "t",
        workloads: [
          {
            model: "small-model",
            arrival: { process: "poisson", rate_per_s: p.ratePerS },
            prompt_tokens: p.prompt,
            output_tokens: p.output,
            ...(p.slo ? { slo: p.slo } : {}),
          },
        ],
      },
    ],
    scheduler: {
      routing: p.routing,
      batching: p.batching,
      max_queue_per_replica: p.maxQueue,
      ...(p.maxBatch !== undefined ? { max_batch: p.maxBatch } : {}),
    },
  });
}

/** How often the limits were reached over all runs, so the property is shown not to be vacuous. */
const reached = { fullBatch: 0, kvNearlyFull: 0, rejected: 0 };

/** Watches every replica after each admit and step; returns the problems seen (empty when none). */
function watchReplicas(cap: number | undefined, staticBatching: boolean) {
  const problems: string[] = [];
  let completed = 0;
  const check = (rep: Replica, when: string) => {
    if (rep.held === rep.maxBatch) reached.fullBatch++;
    if (rep.kvUsed > 0.9 * rep.kvCapacity) reached.kvNearlyFull++;
    if (rep.held > rep.maxBatch)
      problems.push(`${when}: replica ${rep.index} holds ${rep.held} > max batch ${rep.maxBatch}`);
    if (cap !== undefined && rep.maxBatch > cap)
      problems.push(`replica ${rep.index} max batch ${rep.maxBatch} > cap ${cap}`);
    if (rep.kvUsed > rep.kvCapacity * (1 + 1e-9))
      problems.push(`${when}: replica ${rep.index} KV ${rep.kvUsed} > capacity ${rep.kvCapacity}`);
    if (rep.held < 0 || rep.kvUsed < -1e-6)
      problems.push(`${when}: replica ${rep.index} negative held or KV`);
  };
  const admit = Replica.prototype.admit;
  const step = Replica.prototype.step;
  vi.spyOn(Replica.prototype, "admit").mockImplementation(function (this: Replica, r: number) {
    const t = (this as unknown as { clock: Clock }).clock.now;
    // Static batching: nobody joins a batch that has started decoding.
    if (staticBatching && (this as unknown as { locked: boolean }).locked)
      problems.push(`admit at ${t} into a locked static batch on replica ${this.index}`);
    admit.call(this, r);
    check(this, `admit at ${t}`);
  });
  vi.spyOn(Replica.prototype, "step").mockImplementation(function (this: Replica) {
    const t = (this as unknown as { clock: Clock }).clock.now;
    step.call(this);
    // The replica's own request store (private; read here to check the completed requests).
    const req = (this as unknown as { req: RequestStore }).req;
    check(this, `step at ${t}`);
    for (let k = 0; k < this.doneCount; k++) {
      const r = this.done[k];
      completed++;
      const [arrival, admitted, first] = [req.arrival[r], req.admitted[r], req.firstToken[r]];
      if (!(admitted >= arrival))
        problems.push(`request admitted at ${admitted} before its arrival at ${arrival}`);
      if (!(first > admitted)) problems.push(`first token at ${first} not after admission at ${admitted}`);
      if (!(t >= first)) problems.push(`finished at ${t} before its first token at ${first}`);
    }
  });
  return { problems, completed: () => completed };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("replica invariants on random small scenarios", () => {
  const dir = mkdtempSync(join(tmpdir(), "fleetsim-prop-"));

  it("never exceed batch or KV limits; arrival <= admission < first token <= finish", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (p) => {
        const file = join(dir, `s${runs++}.yaml`);
        writeFileSync(file, scenarioYaml(p));
        const scenario = await loadScenario(file);
        const watch = watchReplicas(p.maxBatch, p.batching === "static");
        try {
          const run = await simulate(scenario);
          const st = run.stats[0];
          expect(watch.problems.slice(0, 5)).toEqual([]);
          expect(watch.completed()).toBe(st.completed);
          expect(st.completed + st.rejected).toBeLessThanOrEqual(st.requests);
          expect(st.inputTokens).toBeLessThanOrEqual(600 * st.completed);
          if (st.rejected > 0) reached.rejected++;
        } finally {
          vi.restoreAllMocks();
        }
      }),
      { numRuns: 40, seed: 20_251_124 },
    );
    expect(reached.fullBatch).toBeGreaterThan(0);
    expect(reached.kvNearlyFull).toBeGreaterThan(0);
    expect(reached.rejected).toBeGreaterThan(0);
  });
});
