/**
 * Independent parts (src/contract/parts.ts): a fleet whose models share no replicas and no fallback is
 * run part by part, on any number of threads, with exactly the files of one run over everything.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import { independentParts, partScopes } from "../../src/contract/parts.js";
import { planRun } from "../../src/contract/plan.js";
import type { RunResult } from "../../src/contract/run-result.js";
import { resultFiles } from "../../src/output/write-results.js";
import { createRun } from "../../src/request/simulation.js";
import { simulate } from "../../src/run/simulate.js";
import { claimOrder, claimPart } from "../../src/run/thread-pool.js";
import { type LoadOptions, loadScenario } from "../../src/scenario/load.js";
import { Router } from "../../src/scheduler/router.js";
import { builtReplicas } from "../supply/observe.js";
import { cli } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";

const WALL_CLOCK = /"(wall_seconds|events_per_second)": [^,\n]+/g;

function files(run: RunResult): Map<string, string> {
  const fin = computeFinancials(run);
  const out = resultFiles(run, fin, summarize(run, fin));
  out.set("summary.json", out.get("summary.json")!.replace(WALL_CLOCK, '"$1": 0'));
  return out;
}

async function load(file: string, opts: LoadOptions = {}) {
  return loadScenario(scenarioPath(file), opts);
}

function expectSameFiles(a: Map<string, string>, b: Map<string, string>) {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, content] of a) expect(b.get(name), name).toBe(content);
}

describe("independent parts", () => {
  it("splits a fleet by the replica groups its workloads' route chains reach", async () => {
    const fleet = await planRun(await load("bench/scenarios/fleet.yaml"));
    // Five models on their own nodes, no fallbacks: one part per workload.
    expect(independentParts(fleet.routes, fleet.topology.groups.length)).toEqual([[0], [1], [2], [3], [4]]);
    // gpt-4o falls back to claude-3.5-sonnet: those workloads form one part.
    const outage = await load("scenarios/model-outage-failover.yaml");
    const plan = await planRun(outage);
    const parts = independentParts(plan.routes, plan.topology.groups.length);
    const models = parts.map((p) => [...new Set(p.map((w) => plan.flat[w].w.model))].sort());
    const withFallback = models.find((m) => m.includes("gpt-4o"));
    expect(withFallback).toContain("claude-3.5-sonnet");
    expect(parts.flat().sort((a, b) => a - b)).toEqual(plan.flat.map((_, i) => i));
  });

  it("builds in each part's run only the replicas of the groups that part owns", async () => {
    // A fleet of many regions x models is many parts x many groups: building every group in every
    // part's run once took most of such a run's time (40 parts x 2,000 groups: 14 s -> 3.4 s).
    const s = await load("bench/scenarios/fleet.yaml", { horizon: "30m" }); // every part sends within it
    const plan = await planRun(s);
    const parts = independentParts(plan.routes, plan.topology.groups.length);
    const scopes = partScopes(plan.routes, plan.topology.groups.length, parts);
    const built = new Map<Router, number[]>();
    const place = Router.prototype.place;
    const spy = vi.spyOn(Router.prototype, "place").mockImplementation(function (this: Router, cls, r, slo) {
      if (!built.has(this))
        built.set(
          this,
          builtReplicas(this).map((rep) => rep.group),
        );
      return place.call(this, cls, r, slo);
    });
    try {
      for (const scope of scopes) await createRun(s, plan, scope).execute({});
    } finally {
      spy.mockRestore();
    }
    const perPart = [...built.values()];
    expect(perPart.length).toBe(parts.length);
    perPart.forEach((groups, i) => {
      const owned = plan.topology.groups.filter((g) => scopes[i].groups[g.index] === 1);
      expect(owned.length).toBeGreaterThan(0);
      expect(new Set(groups)).toEqual(new Set(owned.map((g) => g.index)));
      expect(groups.length).toBe(owned.reduce((a, g) => a + g.slots, 0));
    });
    expect(perPart.reduce((a, g) => a + g.length, 0)).toBe(plan.topology.replicaCount);
  });

  it("hands out parts largest first from one shared counter", () => {
    const order = claimOrder([5, 1, 4, 3]);
    expect(order).toEqual([0, 2, 3, 1]);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    expect([0, 1, 2, 3, 4].map(() => claimPart(counter, order))).toEqual([0, 2, 3, 1, -1]);
  });

  for (const file of [
    "test/fixtures/billing/conservation.yaml",
    "scenarios/multi-model-2025.yaml",
    "scenarios/price-war.yaml",
    "scenarios/azure-trace-replay.yaml",
  ]) {
    it(`${file}: the parts' merged files equal one run over every workload`, async () => {
      const s = await load(file, { horizon: "4h" });
      const plan = await planRun(s);
      expect(independentParts(plan.routes, plan.topology.groups.length).length).toBeGreaterThan(1);
      const whole = await createRun(s, plan, null).execute({});
      const split = await simulate(s);
      expect(split.events).toBe(whole.events);
      expectSameFiles(files(whole), files(split));
    });
  }

  it("gives the same files on 1, 2 and 3 threads (power_of_two draws included)", async () => {
    const s = await load("test/fixtures/billing/conservation.yaml", {
      horizon: "3h",
      set: ["scheduler.routing=power_of_two"],
    });
    const one = files(await simulate(s, { workers: 1 }));
    expectSameFiles(one, files(await simulate(s, { workers: 2 })));
    expectSameFiles(one, files(await simulate(s, { workers: 3 })));
  });

  it("gives the same files on 1 and 2 threads with step-level service (prefill: chunked), hybrid windows included", async () => {
    const s = await load("test/fixtures/billing/conservation.yaml", {
      horizon: "3h",
      set: ["scheduler.prefill=chunked"],
    });
    expectSameFiles(files(await simulate(s, { workers: 1 })), files(await simulate(s, { workers: 2 })));
    const h = await load("test/fixtures/fluid/hybrid.yaml", { set: ["scheduler.prefill=chunked"] });
    expectSameFiles(files(await simulate(h, { workers: 1 })), files(await simulate(h, { workers: 2 })));
  });

  it("runs parts one after another on one thread without one part's queues leaking into the next", async () => {
    // The overloaded part ends with requests in its shared queue and has an outage, which the
    // other part's run replays: that run once drained the first part's leftover queue as its own
    // requests and crashed. The merged files must equal one run over everything.
    const s = await load("test/fixtures/parts/leftover-queue.yaml");
    const plan = await planRun(s);
    const parts = independentParts(plan.routes, plan.topology.groups.length);
    expect(parts.length).toBe(2);
    const whole = await createRun(s, plan, null).execute({});
    expect(whole.stats[0].requests - whole.stats[0].completed - whole.stats[0].rejected).toBeGreaterThan(
      1000,
    );
    const split = await simulate(s, { workers: 1 });
    expect(split.events).toBe(whole.events);
    expectSameFiles(files(whole), files(split));
  });

  it("gives the same files on 1 and 2 threads for the request windows of a hybrid run", async () => {
    // Two or more windows: on two threads whole windows run side by side (src/run/hybrid-run.ts).
    const s = await load("test/fixtures/fluid/hybrid.yaml");
    expect(s.fidelity).toBe("hybrid");
    expect(s.horizon).toBeGreaterThanOrEqual(2 * 86_400);
    expectSameFiles(files(await simulate(s, { workers: 1 })), files(await simulate(s, { workers: 2 })));
  });

  it("gives the same files on 1 and 2 threads when the parts replay traces", async () => {
    const s = await load("scenarios/azure-trace-replay.yaml", { horizon: "2h" });
    expectSameFiles(files(await simulate(s, { workers: 1 })), files(await simulate(s, { workers: 2 })));
  });

  it("reports an input error found on a worker thread like one found here: exit 2, file:line, nothing written", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-parts-")), "out");
    const r = cli([
      "run",
      "test/fixtures/demand/trace-error-two-parts.yaml",
      "--workers",
      "2",
      "--out",
      out,
      "--quiet",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/late-negative-tokens\.csv:5501 GeneratedTokens: must be >= 0, got -7/);
    expect(r.stderr).not.toContain("internal error");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses --workers below 1 with exit 2", () => {
    const r = cli(["run", "scenarios/multi-model-2025.yaml", "--workers", "0", "--quiet"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--workers: must be a whole number >= 1, got 0");
  });
});
