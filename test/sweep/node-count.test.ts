/**
 * "How many nodes keep p99 TTFT under the target": a sweep over the nodes that serve a load
 * carries each latency percentile per variant (mean and interval over seeds), and p99 TTFT falls
 * as nodes are added while utilisation falls in proportion.
 */
import { describe, expect, it } from "vitest";
import { runSweep } from "../../src/sweep/run-sweep.js";
import { scenarioPath } from "../support/run-scenario.js";

describe("a sweep over node counts", () => {
  it("shows p99 TTFT falling as nodes are added", async () => {
    const r = await runSweep(scenarioPath("test/fixtures/metrics/steady-load.yaml"), {
      vary: ["fleet.pools.h100.serves.0.nodes=1,2,3"],
      // 300 requests/s: about one node's saturated throughput.
      set: ["fleet.pools.h100.nodes=3", "tenants.chat.workloads.w.arrival.rate_per_s=300"],
      seeds: 2,
      horizon: "10m",
      workers: 1,
    });
    const [header, ...rows] = r.files
      .get("sweep.csv")!
      .trim()
      .split("\r\n")
      .map((l) => l.split(","));
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i, name).toBeGreaterThan(0);
      return rows.map((row) => Number(row[i]));
    };
    for (const p of ["p50", "p90", "p99"]) {
      for (const k of [`ttft_${p}_s`, `tpot_${p}_ms`, `e2e_${p}_s`]) {
        for (const part of ["mean", "ci95_low", "ci95_high"]) expect(header).toContain(`${k}_${part}`);
      }
    }
    const p99 = col("ttft_p99_s_mean");
    // One node runs at its saturated throughput: requests queue for seconds. Two and three do not.
    expect(p99[0]).toBeGreaterThan(1);
    expect(p99[1]).toBeLessThan(p99[0] / 10);
    expect(p99[2]).toBeLessThanOrEqual(p99[1] * 1.1);
    const u = col("utilization_mean");
    expect(u[0]).toBeGreaterThan(0.9);
    expect(Math.abs(u[1] / u[0] - 1 / 2)).toBeLessThan(0.05);
    expect(Math.abs(u[2] / u[0] - 1 / 3)).toBeLessThan(0.05);
    const slo = col("slo_attainment_mean");
    expect(slo[1]).toBeGreaterThan(slo[0]);
  });
});
