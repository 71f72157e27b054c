import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { ArrivalSpec } from "../../src/scenario/types.js";
import { fixtureOpts, problemsOf, SCENARIOS } from "./helpers.js";

const FULL = join(SCENARIOS, "full.yaml");
const load = (set: string[], more = {}) => loadScenario(FULL, { ...fixtureOpts, set, ...more });
const rate = (a: ArrivalSpec) => (a.process === "trace" ? Number.NaN : a.ratePerS);
const messages = async (set: string[], more = {}) => (await problemsOf(load(set, more))).map(formatProblem);

describe("--set overrides", () => {
  it("sets a field through list items named by id and by index", async () => {
    const before = await load([]);
    expect(rate(before.tenants[0].workloads[0].arrival)).toBe(10);
    const s = await load([
      "tenants.lab.workloads.chat.arrival.rate_per_s=90",
      "tenants.1.workloads.0.arrival.rate_per_s=7",
    ]);
    expect(rate(s.tenants[0].workloads[0].arrival)).toBe(90);
    expect(rate(s.tenants[1].workloads[0].arrival)).toBe(7);
    // the fields written are recorded (errors found later name the flag), by index
    expect(s.setPaths).toEqual([
      "tenants.0.workloads.0.arrival.rate_per_s",
      "tenants.1.workloads.0.arrival.rate_per_s",
    ]);
    // nothing else moved
    expect({ ...s, tenants: null, setPaths: [] }).toEqual({ ...before, tenants: null });
  });

  it("reads the value as YAML: durations, lists and mappings", async () => {
    const s = await load([
      "horizon=2w",
      "regions=[us-east, eu-west, ap-south]",
      "tenants.lab.workloads.0.output_tokens={dist: constant, value: 7}",
      "scheduler.max_batch=null",
    ]);
    expect(s.horizon).toBe(14 * 86_400);
    expect(s.regions).toEqual(["us-east", "eu-west", "ap-south"]);
    expect(s.tenants[0].workloads[0].outputTokens).toEqual({ dist: "constant", value: 7, max: null });
    expect(s.scheduler.maxBatch).toBeNull();
  });

  it("names a list item by an id that contains dots", async () => {
    const s = await load(["models.fx-llama-70b.price.input_usd_per_mtok=3.5", "events.1.at=1d"]);
    expect(s.models.find((m) => m.id === "fx-llama-70b")?.price.inputUsdPerMtok).toBe(3.5);
    expect(s.events[0]).toMatchObject({ type: "model_outage", at: 86_400 });
  });

  it("creates an absent optional field", async () => {
    const s = await load([
      "tenants.bank.workloads.0.slo.ttft_s=1",
      "tenants.bank.workloads.0.slo.tpot_ms=50",
    ]);
    expect(s.tenants[1].workloads[0].slo).toEqual({ ttftS: 1, tpotMs: 50 });
  });

  it("refuses a path through a list item that does not exist", async () => {
    expect(await messages(["tenants.nobody.workloads.0.arrival.rate_per_s=1"])).toEqual([
      '--set tenants: no item with index or id "nobody" (in tenants.nobody.workloads.0.arrival.rate_per_s=1)',
    ]);
    expect(await messages(["tenants.lab.workloads.5.model=x"])).toEqual([
      '--set tenants.0.workloads: no item with index or id "5" (in tenants.lab.workloads.5.model=x)',
    ]);
    expect(await messages(["name.first=x"])).toEqual([
      "--set name: name is a single value, not a mapping or a list (in name.first=x)",
    ]);
    expect(await messages(["horizon"])).toEqual(["--set: expected PATH=VALUE (in horizon)"]);
  });

  it("blames --set, not the file, for a bad value or a mistyped field", async () => {
    expect(
      await messages(["tenants.lab.workloads.chat.arrival.rate_per_s=-5", "scheduler.max_btch=4"]),
    ).toEqual([
      "--set tenants.0.workloads.0.arrival.rate_per_s: must be >= 0, got -5",
      '--set scheduler.max_btch: unknown field "max_btch", did you mean "max_batch"?',
    ]);
    expect(await messages(["fleet.pools.us-h100.profile=fx-h10"])).toEqual([
      '--set fleet.pools.0.profile: unknown hardware profile "fx-h10", did you mean "fx-h100"?',
    ]);
  });

  it("lets --seed, --horizon and --fidelity override the file, and blames the flag", async () => {
    const s = await load([], { seed: 7, horizon: "36h", fidelity: "fluid" });
    expect([s.seed, s.horizon, s.fidelity]).toEqual([7, 129_600, "fluid"]);
    expect(await messages([], { horizon: "soon" })).toEqual([
      '--horizon: must be a duration like 90s, 15m, 6h, 7d, 2w, 1mo, 1y or a number of seconds, got "soon"',
    ]);
  });
});
