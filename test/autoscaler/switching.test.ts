/**
 * Replicas switching model (issue #24): at 08:00 a schedule moves two of as-b's three replicas
 * to as-a. as-b's replicas drain; as-a's load on the accelerators they free (a switch), for the
 * load time, during which they cost and serve nothing. Conservation holds across every file, and
 * no request is ever admitted to a replica that is loading, draining or gone.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadSeconds } from "../../src/fleet/switch-time.js";
import { micro, parseCsv, sumColumn } from "../billing/csv-helpers.js";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { runLogged } from "./support.js";

const FILE = "test/fixtures/autoscaling/switching.yaml";

describe.each([["drain"], ["preempt"]])("autoscaler: switching models (on_switch: %s)", (onSwitch) => {
  let r: Awaited<ReturnType<typeof runLogged>>;
  beforeAll(async () => {
    r = await runLogged(FILE, { set: [`autoscaling.on_switch=${onSwitch}`] });
  });

  it("switches two replicas at 08:00, each serving again after exactly its load time", () => {
    const switches = r.events.filter((e) => e.action === "switch");
    expect(switches.length).toBe(2);
    expect(r.summary.replicaSwitches).toBe(2);
    const g = r.run.topology.groups.find((x) => x.model.id === "as-a")!;
    const load = loadSeconds(g.profile, g.model);
    expect(load).toBeCloseTo((2 * 2) / 4 + 29, 9); // 4 GB at 4 GB/s + 29 s, from the fixture
    for (const s of switches) {
      expect(s.time).toBeGreaterThanOrEqual(1800);
      const ready = r.events.find((e) => e.action === "ready" && e.replica === s.replica && e.time > s.time)!;
      expect(ready.time - s.time).toBeCloseTo(load, 9);
    }
  });

  it("admits no request to a replica while it loads, drains or is gone", () => {
    // Per replica: the intervals it served, from the scaling log (initial replicas serve from 0).
    const serving = new Map<number, Array<[number, number]>>();
    for (const g of r.run.topology.groups) {
      const initial = Math.min(g.slots, g.initialNodes);
      for (let i = 0; i < g.slots; i++) serving.set(g.firstReplica + i, i < initial ? [[0, Infinity]] : []);
    }
    for (const e of r.events) {
      const spans = serving.get(e.replica);
      if (!spans) continue;
      if (e.action === "ready") spans.push([e.time, Infinity]);
      if (e.action === "stop") spans[spans.length - 1][1] = e.time;
    }
    let checked = 0;
    for (const x of r.log) {
      if (x.outcome !== "completed") continue;
      const spans = serving.get(x.replica)!;
      const ok = spans.some(([a, b]) => x.admitted >= a && x.admitted < b);
      if (!ok)
        throw new Error(
          `request ${x.seq} admitted at ${x.admitted} to replica ${x.replica} outside its serving spans ${JSON.stringify(spans)}`,
        );
      checked++;
    }
    expect(checked).toBeGreaterThan(50_000);
  });

  it("conserves requests and tokens, and money across every file to the micro-dollar", () => {
    const files = r.files();
    const csv = (n: string) => parseCsv(files.get(n)!);
    const summary = csv("summary.csv")[0];
    expectEveryRequestAccounted(r.run);
    const tokens = csv("tenants.csv").reduce((a, row) => a + Number(row.output_tokens), 0);
    expect(tokens).toBe(Number(summary.output_tokens));
    const cost = micro(summary.cost_usd);
    for (const name of ["revenue_by_model.csv", "margin.csv", "timeseries.csv"]) {
      expect(sumColumn(csv(name), "cost_usd"), name).toBe(cost);
    }
    expect(sumColumn(csv("revenue_by_model.csv"), "revenue_usd")).toBe(micro(summary.revenue_usd));
    const margin = csv("margin.csv")[0];
    expect(micro(margin.switching_cost_usd)).toBeGreaterThan(0);
    expect(micro(margin.idle_cost_usd) + micro(margin.switching_cost_usd)).toBeLessThanOrEqual(cost);
    // Four one-accelerator nodes the whole hour: nothing lost or gained by switching.
    expect(Number(margin.node_hours)).toBeCloseTo(4, 9);
  });
});
