/**
 * Adding a tenant changes no other tenant's requests (common random numbers: every workload draws
 * from streams derived from the seed and its own tenant and workload ids). Base:
 * test/fixtures/demand/two-tenants.yaml (a Poisson/diurnal + MMPP tenant and a trace tenant on an
 * ample fleet, every request completing before the horizon). The variant adds a third tenant that
 * shares both models' replicas. Exact comparison: the arrivals (time, prompt and output tokens of
 * each request, in order, observed as the router receives them) and the tenants.csv counts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import type { Routes } from "../../src/contract/routes.js";
import type { RequestStore } from "../../src/scheduler/request-store.js";
import { Router } from "../../src/scheduler/router.js";
import { parseCsv } from "../supply/csv.js";
import { timeOf } from "../supply/observe.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const BASE = "test/fixtures/demand/two-tenants.yaml";
const KEPT = ["alpha", "beta"];

const NEWCOMER = {
  id: "gamma",
  kind: "lab",
  workloads: [
    {
      id: "chat",
      model: "gpt-4o-mini",
      arrival: { process: "poisson", rate_per_s: 3 },
      prompt_tokens: { dist: "lognormal", median: 500, p90: 2000, max: 8000 },
      output_tokens: { dist: "exponential", mean: 200, max: 2000 },
    },
    {
      id: "agent",
      model: "llama-3-70b",
      arrival: { process: "poisson", rate_per_s: 1 },
      prompt_tokens: { dist: "constant", value: 3000 },
      output_tokens: { dist: "constant", value: 50 },
    },
  ],
};

/** The base scenario plus gamma, written to a temporary folder (the trace path made absolute). */
function withNewcomer(): string {
  const doc = parse(readFileSync(scenarioPath(BASE), "utf8"));
  const beta = doc.tenants.find((t: { id: string }) => t.id === "beta");
  beta.workloads[0].arrival.file = resolve(dirname(scenarioPath(BASE)), beta.workloads[0].arrival.file);
  doc.tenants.splice(1, 0, NEWCOMER); // between the others, so positions shift too
  const file = join(mkdtempSync(join(tmpdir(), "fleetsim-add-tenant-")), "three-tenants.yaml");
  writeFileSync(file, stringify(doc));
  return file;
}

/** Runs a scenario recording every arrival per tenant as "workload time prompt output". */
async function runRecordingArrivals(file: string) {
  const place = Router.prototype.place;
  const arrivals = new Map<string, string[]>();
  const spy = vi.spyOn(Router.prototype, "place").mockImplementation(function (this: Router, cls, r, slo) {
    const { routes, req } = this as unknown as { routes: Routes; req: RequestStore };
    const t = timeOf(this);
    if (req.chainPos[r] === 0) {
      const w = routes.workloads[req.workload[r]];
      const list = arrivals.get(w.tenant.id) ?? [];
      list.push(`${w.spec.id} ${t} ${req.prompt[r]} ${req.output[r]}`);
      arrivals.set(w.tenant.id, list);
    }
    return place.call(this, cls, r, slo);
  });
  try {
    const { files } = await runScenario(file);
    return { arrivals, tenants: parseCsv(files().get("tenants.csv")!) };
  } finally {
    spy.mockRestore();
  }
}

describe("adding a tenant", () => {
  it("leaves the other tenants' arrivals and tenants.csv counts identical", async () => {
    const before = await runRecordingArrivals(BASE);
    const after = await runRecordingArrivals(withNewcomer());

    expect(after.arrivals.get("gamma")!.length).toBeGreaterThan(1000);
    for (const t of KEPT) {
      const a = before.arrivals.get(t)!;
      expect(a.length).toBeGreaterThan(1000);
      expect(after.arrivals.get(t)).toEqual(a);
    }

    const counts = (rows: typeof before.tenants, tenant: string) =>
      rows
        .filter((r) => r.tenant === tenant)
        .map((r) => ({
          model: r.model,
          requests: r.requests,
          completed: r.completed,
          input: r.input_tokens,
          output: r.output_tokens,
        }));
    for (const rows of [before.tenants, after.tenants]) {
      for (const r of rows) {
        // An ample fleet: nothing rejected, and the kept tenants' work all done by the horizon
        // (gamma sends until the horizon, so a few of its requests may still be running).
        expect(r.rejected).toBe("0");
        if (KEPT.includes(r.tenant)) expect(r.in_flight).toBe("0");
      }
    }
    for (const t of KEPT) expect(counts(after.tenants, t)).toEqual(counts(before.tenants, t));
    // The newcomer shared the replicas: it is served on both models.
    expect(counts(after.tenants, "gamma").map((c) => c.model)).toEqual(["gpt-4o-mini", "llama-3-70b"]);
  });
});
