/** The scenario library: every file loads, states its question and what was scaled, and uses what its what-if needs. */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { scenarioPath } from "../support/run-scenario.js";

const LIBRARY = [
  "exclusive-2023",
  "multi-model-2025",
  "tenant-shift",
  "model-outage-failover",
  "eu-residency",
  "maia-rollout",
  "price-war",
];

const load = (name: string) => loadScenario(scenarioPath(`scenarios/${name}.yaml`));

describe("scenario library", () => {
  it("has every scenario of the library", () => {
    const files = readdirSync(scenarioPath("scenarios")).filter((f) => f.endsWith(".yaml"));
    for (const name of LIBRARY) expect(files).toContain(`${name}.yaml`);
  });

  it.each(LIBRARY)("%s loads, is named after its file and asks a question", async (name) => {
    const s = await load(name);
    expect(s.name).toBe(name);
    expect(s.description).toMatch(/Question/);
    if (name !== "multi-model-2025") expect(s.description).toMatch(/Scaled/);
  });

  it("sets up each what-if as described", async () => {
    const shift = await load("tenant-shift");
    expect(shift.events).toContainEqual({
      at: 4380 * 3600,
      type: "tenant_shift",
      tenant: "openai",
      fraction: 0.4,
    });
    expect(shift.events[0].at).toBe(shift.horizon / 2);

    const outage = await load("model-outage-failover");
    expect(outage.events.some((e) => e.type === "model_outage" && e.model === "gpt-4o")).toBe(true);
    const enterprises = outage.tenants.filter((t) => t.kind === "enterprise");
    expect(enterprises.length).toBeGreaterThan(0);
    for (const t of enterprises)
      for (const w of t.workloads) expect(w.fallback).toContain("claude-3.5-sonnet");

    const eu = await load("eu-residency");
    expect(
      eu.tenants.flatMap((t) => t.workloads).filter((w) => w.region === "eu-west").length,
    ).toBeGreaterThan(0);

    const maia = await load("maia-rollout");
    const maiaPools = new Set(maia.fleet.pools.filter((p) => p.profile === "maia-100").map((p) => p.id));
    const steps = maia.fleet.changes.filter((c) => maiaPools.has(c.pool) && c.deltaNodes > 0);
    expect(steps.length).toBeGreaterThanOrEqual(3);

    const war = await load("price-war");
    expect(war.events.filter((e) => e.type === "price_change").length).toBeGreaterThanOrEqual(2);

    const exclusive = await load("exclusive-2023");
    expect(exclusive.tenants.map((t) => t.id)).toEqual(["openai"]);
    expect(new Set(exclusive.fleet.pools.map((p) => p.profile))).toEqual(
      new Set(["nd-h100-v5", "nd-a100-v4"]),
    );
  });
});
