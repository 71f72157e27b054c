/**
 * The fluid mode follows the same policies at its step (issue #24): the same controller decides
 * from the fluid state's expected values. On the load step it makes the same decisions as the
 * request engine (same counts, within one decision interval), so nodes, loads and node-hours
 * agree; on the scheduled switch at 08:00 it switches the same replicas at the same time.
 */
import { describe, expect, it } from "vitest";
import { runLogged } from "./support.js";

const decisions = (
  events: Array<{ action: string; time: number; from: number; to: number; model: number }>,
) =>
  events.filter((e) => e.action === "scale").map(({ time, from, to, model }) => ({ time, from, to, model }));

describe("autoscaler: fluid mode", () => {
  it("load step: the request engine's decisions, each within one decision interval", async () => {
    const req = await runLogged("test/fixtures/autoscaling/load-step.yaml");
    const fl = await runLogged("test/fixtures/autoscaling/load-step.yaml", { fidelity: "fluid" });
    const a = decisions(req.events);
    const b = decisions(fl.events);
    expect(a.length).toBeGreaterThanOrEqual(4);
    expect(b.map(({ from, to }) => [from, to])).toEqual(a.map(({ from, to }) => [from, to]));
    const interval = req.scenario.autoscaling!.interval;
    b.forEach((d, i) => {
      expect(Math.abs(d.time - a[i].time)).toBeLessThanOrEqual(interval);
    });
    const nodeHours = (r: typeof req) => r.fin.poolCosts.reduce((s, c) => s + c.nodeSeconds, 0) / 3600;
    expect(nodeHours(fl)).toBeCloseTo(nodeHours(req), 1);
    expect(fl.summary.replicaLoads).toBe(req.summary.replicaLoads);
  });

  it("scheduled switch: the same switches at the same time, the same loading cost", async () => {
    const req = await runLogged("test/fixtures/autoscaling/switching.yaml");
    const fl = await runLogged("test/fixtures/autoscaling/switching.yaml", { fidelity: "fluid" });
    expect(decisions(fl.events)).toEqual(decisions(req.events));
    expect(fl.summary.replicaSwitches).toBe(2);
    const loading = (r: typeof req) => r.run.grid.loading.reduce((s, v) => s + v, 0);
    // Both load two replicas for exactly the load time; the request engine starts them when the
    // drained replicas leave (a few seconds later), the fluid mode at once.
    expect(loading(fl)).toBeCloseTo(loading(req), 6);
  });
});
