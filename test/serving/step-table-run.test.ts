/**
 * A pool whose profile gives step tables (a context axis) is served by the step replica with the
 * table's step times: a lone request's TTFT and TPOT are the table's figures; the fast replica
 * equals the reference replica under a table; a table sampled from the roofline step model
 * reproduces the roofline replica's latencies.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildTopology } from "../../src/contract/topology.js";
import { deriveStream } from "../../src/engine/random.js";
import { blocksFor } from "../../src/fleet/kv-blocks.js";
import {
  type ReferenceReplicaConfig,
  type ReferenceRequest,
  runReferenceReplica,
} from "../../src/fleet/reference-step-replica.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { decodeStepMs, TableStepTime } from "../../src/fleet/step-table.js";
import {
  addDecode,
  addPrefillChunk,
  emptyComposition,
  type StepTimeModel,
} from "../../src/fleet/step-time.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { StepTable } from "../../src/scenario/types.js";
import { model, profile } from "../fleet/helpers.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";
import { runFastReplica } from "./step-replica-driver.js";

const H100 = profile("nd-h100-v5");
const LLAMA8 = model("llama-3.1-8b");

describe("a pool with a step table", () => {
  it("gives a lone request the table's TTFT (prefill of its prompt) and TPOT (decode at batch 1 over its contexts)", async () => {
    const { scenario, run } = await runScenario("test/fixtures/step-table/lone.yaml");
    expect(run.topology.groups[0].serving).not.toBeNull();
    // worked by hand from test/fixtures/step-table/profiles/h100-table.yaml:
    // chat: prompt 600 -> prefill 14 + 26 x (600 - 512) / 1536 ms; decodes at contexts 600 .. 698,
    //   all inside [256, 1024] at batch 1: mean 6.0 + 0.4 x (649 - 256) / 768 ms
    // batch: prompt 3000 -> 40 + 110 x (3000 - 2048) / 6144 ms; contexts 3000 .. 3048 inside
    //   [1024, 4096]: mean 6.4 + 1.2 x (3024 - 1024) / 3072 ms
    const expected = {
      chat: { ttft: 14 + (26 * 88) / 1536, tpot: 6.0 + (0.4 * 393) / 768 },
      batch: { ttft: 40 + (110 * 952) / 6144, tpot: 6.4 + (1.2 * 2000) / 3072 },
    };
    for (const [tenant, e] of Object.entries(expected)) {
      const ti = scenario.tenants.findIndex((t) => t.id === tenant);
      const st = run.stats.find((x) => x.tenantIndex === ti)!;
      expect(st.completed).toBeGreaterThan(20);
      expect(st.ttftS.mean()! * 1000).toBeCloseTo(e.ttft, 9);
      expect(st.tpotS.mean()! * 1000).toBeCloseTo(e.tpot, 9);
    }
  });
});

describe("the curve the fluid mode, headroom and routing read", () => {
  it("comes from the same table: decode(b) = b / the table's decode step at the mean context, under chunked and pause", async () => {
    // mean context of the two workloads: (600 + 100 + 3000 + 50) / 2 = 1,875 tokens
    const ctx = 1875;
    for (const prefill of ["chunked", "pause"] as const) {
      const scenario = await loadScenario(scenarioPath("test/fixtures/step-table/lone.yaml"), {
        set: [`scheduler.prefill=${prefill}`],
      });
      const table = scenario.profiles.find((p) => p.id === "h100-table")!.performance[0].steps!;
      const topo = buildTopology(scenario, new Map([["llama-3.1-8b", ctx]]));
      const curve = topo.groups[0].curve;
      expect(curve.maxBatch).toBeGreaterThan(100);
      for (const b of [1, 7, 16, 50, 64, curve.maxBatch]) {
        expect((1000 * b) / curve.decodeTokensPerS[b]).toBeCloseTo(decodeStepMs(table, b, ctx), 9);
      }
      // chunked: a full-budget chunk (8,192 tokens: 150 ms); pause: the largest chunk measured (the same)
      expect(curve.prefillTokensPerS).toBeCloseTo(8192 / 0.15, 6);
    }
  });
});

/** Random request mixes under a table: the fast replica's closed form against the step loop. */
describe("the fast step replica under a step table", () => {
  it("gives the reference replica's first-token and finish times (1e-9 relative)", () => {
    const base = servingSetup(H100, LLAMA8);
    const table: StepTable = {
      decode: {
        batch: [1, 8, 32],
        context: [64, 512, 2048],
        ms: [
          [5, 5.5, 7],
          [6, 7, 11],
          [8, 12, 25],
        ],
      },
      prefill: { tokens: [32, 256, 1024], ms: [7, 10, 30] },
    };
    const cfg0: ReferenceReplicaConfig = { ...base, stepModel: new TableStepTime(base.stepModel, table) };
    let swapping = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.double({ min: 0, max: 0.3, noNaN: true }),
            prompt: fc.integer({ min: 1, max: 2500 }),
            output: fc.integer({ min: 1, max: 400 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 2000 }),
        // a third of the mixes swap in a small block pool (a decode swapped back in is a decode)
        fc.option(fc.integer({ min: 0, max: 200 }), { freq: 2 }),
        (rs, maxNumSeqs, extra, swapSpare) => {
          let t = 0;
          const reqs: ReferenceRequest[] = rs.map((q, id) => {
            t += q.gap;
            return { id, arrival: t, promptTokens: q.prompt, outputTokens: q.output, tenant: "t" };
          });
          const cfg: ReferenceReplicaConfig = {
            ...cfg0,
            maxNumSeqs,
            maxNumBatchedTokens: maxNumSeqs + extra,
          };
          if (swapSpare !== null) {
            const biggest = Math.max(
              ...reqs.map((q) => blocksFor(q.promptTokens + q.outputTokens, cfg.blockSize)),
            );
            cfg.kvBlocks = biggest + swapSpare;
            cfg.preemption = "swap";
          }
          const ref = runReferenceReplica(reqs, cfg);
          if (ref.swaps > 0) swapping++;
          const fast = runFastReplica(reqs, cfg);
          for (let i = 0; i < reqs.length; i++) {
            const a = ref.requests[i];
            const b = fast.requests.find((x) => x.id === a.id)!;
            expect(Math.abs(a.firstTokenAt - b.firstTokenAt)).toBeLessThanOrEqual(
              1e-9 * Math.max(1, a.firstTokenAt),
            );
            expect(Math.abs(a.finishAt - b.finishAt)).toBeLessThanOrEqual(1e-9 * Math.max(1, a.finishAt));
          }
        },
      ),
      { numRuns: 60, seed: 20261207 },
    );
    expect(swapping).toBeGreaterThan(5);
  });
});

/** The step table a measurement of the roofline step model would give, on a grid. */
function tableFrom(m: StepTimeModel): StepTable {
  const batch = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
  const context = [16, 64, 256, 1024, 2048, 4096, 8192];
  const tokens = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];
  const c = emptyComposition();
  const ms = batch.map((b) =>
    context.map((ctx) => {
      c.decodes = 0;
      c.decodeCachedSum = 0;
      for (let i = 0; i < b; i++) addDecode(c, ctx);
      return m.stepSeconds(c) * 1000;
    }),
  );
  const prefill = tokens.map((n) => {
    const p = emptyComposition();
    addPrefillChunk(p, 0, n, true);
    return m.stepSeconds(p) * 1000;
  });
  return { decode: { batch, context, ms }, prefill: { tokens, ms: prefill } };
}

describe("a table sampled from the roofline", () => {
  const base = servingSetup(H100, LLAMA8);
  const withTable = { ...base, stepModel: new TableStepTime(base.stepModel, tableFrom(base.stepModel)) };

  /** 1,500 requests, Poisson at `rate`/s, prompts and outputs log-normal (medians 400 and 150). */
  function mix(rate: number): ReferenceRequest[] {
    const rng = deriveStream(7, "roofline-table");
    const reqs: ReferenceRequest[] = [];
    let t = 0;
    const ln = (median: number) => Math.max(1, Math.round(median * Math.exp(0.8 * gauss(rng))));
    for (let id = 0; id < 1500; id++) {
      t += -Math.log(1 - rng.next()) / rate;
      reqs.push({
        id,
        arrival: t,
        promptTokens: Math.min(6000, ln(400)),
        outputTokens: Math.min(2000, ln(150)),
        tenant: "t",
      });
    }
    return reqs;
  }

  function means(reqs: ReferenceRequest[], cfg: ReferenceReplicaConfig) {
    const r = runReferenceReplica(reqs, cfg);
    let ttft = 0;
    let tpot = 0;
    let e2e = 0;
    let nd = 0;
    r.requests.forEach((q, i) => {
      ttft += q.firstTokenAt - reqs[i].arrival;
      e2e += q.finishAt - reqs[i].arrival;
      if (reqs[i].outputTokens > 1) {
        tpot += (q.finishAt - q.firstTokenAt) / (reqs[i].outputTokens - 1);
        nd++;
      }
    });
    return { ttft: ttft / reqs.length, tpot: tpot / nd, e2e: e2e / reqs.length };
  }

  // 12/s: batches of tens, TPOT 1.1 x a lone request's; 30/s: most steps mix a prompt chunk with
  // hundreds of decodes, TPOT 2.3 x a lone request's, still below saturation (TTFT < 0.1 s)
  for (const [rate, tolerance] of [
    [12, 0.05],
    [30, 0.1],
  ] as const) {
    it(`reproduces the roofline replica's mean TTFT, TPOT and end-to-end time at ${rate} requests/s within ${tolerance * 100} %`, () => {
      const reqs = mix(rate);
      const a = means(reqs, base);
      const b = means(reqs, withTable);
      for (const k of ["ttft", "tpot", "e2e"] as const) {
        expect(Math.abs(b[k] / a[k] - 1), k).toBeLessThan(tolerance);
      }
    });
  }
});

function gauss(rng: { next(): number }): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}
