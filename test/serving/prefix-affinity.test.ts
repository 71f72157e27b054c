/**
 * scheduler.routing: prefix_affinity (src/scheduler/router.ts, src/scheduler/prefix-index.ts): the
 * hit rate of one replica on a pool of 8 when the prefixes fit the pool but not one replica, where
 * least_loaded is held to LRU's share of a replica's cache; about the same as least_loaded when
 * every replica holds every prefix; trace hash ids; the imbalance fallback; conservation of
 * requests and tokens; the same bytes on 1 and 2 threads; and the input errors.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { steadyPrefixHitTokens } from "../../src/fleet/prefix-cache.js";
import { parseCsv } from "../billing/csv-helpers.js";
import { cli } from "../support/cli.js";
import { COMPARED_FILES, prefixFleetRunner } from "../support/prefix-fleet.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/affinity-groups.yaml";
const REPLICAS = 8;
const GROUPS = 32;
const PREFIX = 4096;
const PROMPT = 4608;
const HIT = steadyPrefixHitTokens(PREFIX, PROMPT, 16); // 4096: the prefix is whole blocks

async function runWith(set: string[], horizon?: string) {
  const r = await runScenario(FIXTURE, { set, horizon });
  const st = r.run.stats[0]!;
  const misses = st.completed - st.cachedInputTokens / HIT;
  return { ...r, st, misses, rate: r.summary.prefixHitRate ?? 0 };
}

/** Hit rate of one replica whose cache holds every prefix: all but the first request of each group hit. */
const oneReplicaRate = (completed: number) => ((completed - GROUPS) / completed) * (HIT / PROMPT);

describe("prefix_affinity routing", () => {
  it("reaches one replica's hit rate when the prefixes fit the pool but not a replica; least_loaded stays at LRU's share", async () => {
    // gpu_memory_utilization 0.2794 of 80 GiB (the fixture's): 2,671 blocks of 16 tokens per replica, 10.4 prefixes of 32
    const affinity = await runWith([]);
    const loaded = await runWith(["scheduler.routing=least_loaded"]);
    expect(affinity.st.completed).toBeGreaterThan(4000);
    // each prefix goes to the replica with the smallest record once, then always back there: one miss per group
    expect(affinity.misses).toBe(GROUPS);
    expect(affinity.rate).toBeCloseTo(oneReplicaRate(affinity.st.completed), 12);
    // least_loaded sends each replica all 32 prefixes uniformly: an LRU cache of C of them hits C / 32
    // (uniform independent references) at best, less the blocks running requests hold
    const perReplica = (2671 * 16) / PREFIX / GROUPS;
    expect(loaded.rate).toBeLessThan(perReplica * (HIT / PROMPT));
    expect(affinity.rate - loaded.rate).toBeGreaterThan(0.5);
  });

  it("is about least_loaded's hit rate when every replica holds every prefix (at most one miss per group and replica)", async () => {
    const set = ["scheduler.gpu_memory_utilization=0.9"];
    const affinity = await runWith(set);
    const loaded = await runWith([...set, "scheduler.routing=least_loaded"]);
    expect(affinity.misses).toBe(GROUPS);
    expect(loaded.misses).toBeGreaterThanOrEqual(GROUPS);
    expect(loaded.misses).toBeLessThanOrEqual(GROUPS * REPLICAS);
    const bound = ((GROUPS * REPLICAS) / loaded.st.completed) * (HIT / PROMPT);
    expect(affinity.rate - loaded.rate).toBeLessThanOrEqual(bound + 1e-12);
    expect(affinity.rate).toBeGreaterThanOrEqual(loaded.rate);
  });

  it("follows a trace's hash ids: Mooncake's conversation trace hits more than twice as often as under least_loaded", async () => {
    const trace = "test/fixtures/serving/mooncake-prefix.yaml";
    const loaded = await runScenario(trace, { horizon: "2m" });
    const affinity = await runScenario(trace, { horizon: "2m", set: ["scheduler.routing=prefix_affinity"] });
    expect(loaded.summary.prefixHitRate).toBeGreaterThan(0);
    expect(affinity.summary.prefixHitRate).toBeGreaterThan(2 * (loaded.summary.prefixHitRate ?? 0));
  });

  it("falls back to the least loaded replica when a hot prefix would pin the load on one replica", async () => {
    // one group at 40 requests/s: more than one replica serves, well within the pool's eight
    const hot = ["tenants.0.workloads.0.prefix.groups=1", "tenants.0.workloads.0.arrival.rate_per_s=40"];
    const pinned = await runWith([...hot, "scheduler.prefix_affinity.balance_abs_threshold=100000000"], "5m");
    const balanced = await runWith([...hot, "scheduler.prefix_affinity.balance_abs_threshold=8"], "5m");
    const loaded = await runWith([...hot, "scheduler.routing=least_loaded"], "5m");
    // never imbalanced by the threshold's measure: every request follows the prefix to one replica,
    // whose queue fills to max_queue_per_replica and rejects the rest
    expect(pinned.st.rejected).toBeGreaterThan(0);
    expect(pinned.st.ttftS.quantile(0.99)!).toBeGreaterThan(10);
    // with the fallback: nothing rejected, and the tail no worse than least_loaded's by more than a quarter
    expect(balanced.st.rejected).toBe(0);
    expect(balanced.st.ttftS.quantile(0.99)!).toBeLessThanOrEqual(1.25 * loaded.st.ttftS.quantile(0.99)!);
    expect(balanced.rate).toBeGreaterThan(0.99 * (HIT / PROMPT));
  });

  it("conserves requests and tokens: the request log adds up to summary.csv", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-affinity-")), "out");
    const r = cli(["run", scenarioPath(FIXTURE), "--out", out, "--horizon", "3m", "--requests"]);
    expect(r.status, r.stderr).toBe(0);
    const summary = parseCsv(readFileSync(join(out, "summary.csv"), "utf8"))[0]!;
    const rows = parseCsv(readFileSync(join(out, "requests.csv"), "utf8"));
    const done = rows.filter((x) => x.outcome === "completed");
    const sum = (col: string) => done.reduce((a, x) => a + Number(x[col]), 0);
    expect(done.length).toBe(Number(summary.completed));
    expect(rows.length - done.length).toBe(Number(summary.rejected));
    expect(sum("prompt_tokens")).toBe(Number(summary.input_tokens));
    expect(sum("output_tokens")).toBe(Number(summary.output_tokens));
    expect(sum("cached_tokens")).toBe(Number(summary.cached_input_tokens));
    // every replica serves (the prefixes are spread, not piled on one)
    expect(new Set(done.map((x) => x.replica)).size).toBe(REPLICAS);
  });

  it("writes the same bytes on 1 and 2 worker threads (a fleet of independent parts)", () => {
    const run = prefixFleetRunner("prefix_affinity");
    const [w1, w2] = [run(["--workers", "1"]), run(["--workers", "2"])];
    expect(Number(parseCsv(w1("summary.csv"))[0]!.cached_input_tokens)).toBeGreaterThan(0);
    for (const f of COMPARED_FILES) expect(w2(f), f).toBe(w1(f));
  });
});

describe("prefix_affinity input errors", () => {
  const base = readFileSync(scenarioPath(FIXTURE), "utf8");
  const cases: Array<[string, string, RegExp]> = [
    [
      "prefill: pause",
      base.replace("prefill: chunked", "prefill: pause"),
      /bad\.yaml:\d+ scheduler\.routing: prefix_affinity needs prefill: chunked/,
    ],
    [
      "batching: static (prefill pause by default)",
      base.replace("prefill: chunked, ", "batching: static, "),
      /scheduler\.routing.*prefix_affinity needs prefill: chunked/s,
    ],
    [
      "a cache threshold above 1",
      base.replace(
        "gpu_memory_utilization: 0.2794",
        "gpu_memory_utilization: 0.2794, prefix_affinity: { cache_threshold: 1.5 }",
      ),
      /scheduler\.prefix_affinity\.cache_threshold/,
    ],
    [
      "a relative threshold below 1",
      base.replace(
        "gpu_memory_utilization: 0.2794",
        "gpu_memory_utilization: 0.2794, prefix_affinity: { balance_rel_threshold: 0.5 }",
      ),
      /scheduler\.prefix_affinity\.balance_rel_threshold/,
    ],
    [
      "an unknown tuning field",
      base.replace(
        "gpu_memory_utilization: 0.2794",
        "gpu_memory_utilization: 0.2794, prefix_affinity: { threshold: 2 }",
      ),
      /scheduler\.prefix_affinity.*threshold/s,
    ],
  ];
  for (const [what, yaml, message] of cases) {
    it(`refuses ${what}: exit 2, the file and field named, nothing written`, () => {
      const dir = mkdtempSync(join(tmpdir(), "fleetsim-affinity-bad-"));
      const file = join(dir, "bad.yaml");
      writeFileSync(file, yaml);
      const out = join(dir, "out");
      const r = cli(["run", file, "--out", out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("bad.yaml");
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }
});
