/**
 * scheduler.routing: kv_aware (src/scheduler/router.ts, src/scheduler/kv-cost.ts): it follows the
 * blocks a replica really holds where prefix_affinity's record is stale; it counts load in tokens,
 * so a short prompt does not wait behind a long prefill that request counts hide; it finds more of
 * Mooncake's shared blocks than least_loaded; conservation of requests and tokens; the same bytes
 * twice and on 1 and 2 threads; and the input errors.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../billing/csv-helpers.js";
import { cli } from "../support/cli.js";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { COMPARED_FILES, prefixFleetRunner } from "../support/prefix-fleet.js";
import { expectRunRefusesVariant } from "../support/refusal.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const STALE = "test/fixtures/serving/kv-stale-record.yaml";
const UNEQUAL = "test/fixtures/serving/kv-unequal-prompts.yaml";
const MOONCAKE = "test/fixtures/serving/mooncake-prefix.yaml";
const BURST = "test/fixtures/serving/kv-burst.yaml";

/** `fleetsim run` with the request log; its rows by request number. */
function requestRows(fixture: string, set: string[], extra: string[] = []) {
  const out = join(mkdtempSync(join(tmpdir(), "fleetsim-kv-aware-")), "out");
  const args = ["run", scenarioPath(fixture), "--out", out, "--requests", ...extra];
  for (const s of set) args.push("--set", s);
  const r = cli(args);
  expect(r.status, r.stderr).toBe(0);
  const rows = parseCsv(readFileSync(join(out, "requests.csv"), "utf8"));
  rows.sort((a, b) => Number(a.request) - Number(b.request));
  const summary = parseCsv(readFileSync(join(out, "summary.csv"), "utf8"))[0]!;
  return { rows, summary, out };
}

describe("kv_aware routing", () => {
  it("goes where the prefix's blocks really are when the router's own record is stale", () => {
    // requests 0 and 1 share a 4,096-token prefix at 0 s; request 2 (no prefix) takes every block
    // of replica 0 at 10 s, evicting the prefix there; request 3 brings the prefix back at 30 s
    const affinity = requestRows(STALE, ["scheduler.routing=prefix_affinity"]).rows;
    const kv = requestRows(STALE, []).rows;
    // prefix_affinity sent both to replica 0 and recorded it; the eviction escapes its record, so
    // request 3 follows the record to replica 0 and computes the prefix again
    expect(affinity.map((x) => x.replica)).toEqual(["0", "0", "0", "0"]);
    expect(affinity[3]!.cached_tokens).toBe("0");
    // kv_aware saw replica 0 busy with request 0's prompt and put request 1 on replica 1; the
    // eviction on replica 0 leaves replica 1's copy, which request 3 finds: all 4,096 tokens
    expect(kv.map((x) => x.replica)).toEqual(["0", "1", "0", "1"]);
    expect(kv[2]!.cached_tokens).toBe("0");
    expect(kv[3]!.cached_tokens).toBe("4096");
    // and its prefill is the 512 tokens after the prefix instead of 4,608: a ninth of the work
    // and more (the fixed per-step overhead aside), so well under half the time
    expect(Number(kv[3]!.ttft_s)).toBeLessThan(0.5 * Number(affinity[3]!.ttft_s));
  });

  it("books a routed request's prompt less the overlap it was sent for, as Dynamo does: a burst stays on the cached replica", () => {
    // request 0 caches a 4,096-token prefix (256 blocks of 16) on replica 0; at 10 s requests 1-4
    // bring it with 512 tokens of their own, at once. Cost = prefill blocks + active blocks + new
    // blocks (288 for a 4,608-token prompt). An empty replica: 4,608 / 16 + 0 + 288 = 576. Replica 0
    // for request k (k - 1 already sent there, each booked as 512 tokens and 32 blocks):
    // (512 (k - 1) + 512) / 16 + 32 (k - 1) + 288 = 64 k + 256 <= 512 < 576 for k <= 4. Counted whole,
    // request 2 would see (4,608 + 512) / 16 + 288 + 288 = 896 and go to an empty replica.
    const { rows, summary } = requestRows(BURST, []);
    expect(rows.map((x) => x.replica)).toEqual(["0", "0", "0", "0", "0"]);
    expect(rows.slice(1).map((x) => x.cached_tokens)).toEqual(["4096", "4096", "4096", "4096"]);
    expect(Number(summary.cached_input_tokens)).toBe(4 * 4096);
    // the four share one step of 4 x 512 new tokens: each first token well before a cold
    // 4,608-token prefill's (request 0's, alone on an idle replica)
    for (const x of rows.slice(1)) expect(Number(x.ttft_s)).toBeLessThan(0.75 * Number(rows[0]!.ttft_s));
  });

  it("counts load in tokens: short prompts avoid the replica prefilling a long one that request counts call less loaded", () => {
    // replica A prefills a 120,000-token prompt (1 request); replica B decodes two short prompts
    // with long outputs (2 requests); from 0.1 s a 256-token prompt arrives every 50 ms
    const loaded = requestRows(UNEQUAL, ["scheduler.routing=least_loaded"]);
    const kv = requestRows(UNEQUAL, []);
    const longOf = (rows: typeof kv.rows) => rows.find((x) => x.prompt_tokens === "120000")!;
    const shorts = (rows: typeof kv.rows) =>
      rows.filter((x) => x.output_tokens === "1" && x.prompt_tokens === "256");
    for (const run of [loaded, kv]) expect(shorts(run.rows)).toHaveLength(40);

    // least_loaded: the first short sees loads 1 (A) and 2 (B) and joins A, behind the long
    // prompt: the budget goes to the long prompt's chunks first, so its first token comes no
    // earlier than the long prompt's last chunk
    const long = longOf(loaded.rows);
    const longDone = Number(long.arrival_s) + Number(long.ttft_s);
    const first = shorts(loaded.rows)[0]!;
    expect(first.replica).toBe(long.replica);
    expect(Number(first.arrival_s) + Number(first.ttft_s)).toBeGreaterThanOrEqual(longDone - 1e-6);

    // kv_aware: A costs at least 120,000 / 16 = 7,500 blocks while the long prompt is pending,
    // B a few hundred: no short joins A before the long prompt's first token
    const kvLong = longOf(kv.rows);
    const kvLongDone = Number(kvLong.arrival_s) + Number(kvLong.ttft_s);
    for (const s of shorts(kv.rows)) {
      if (Number(s.arrival_s) < kvLongDone) expect(s.replica).not.toBe(kvLong.replica);
    }
    // so every short's first token comes within a few steps, far under the long prefill
    const worst = Math.max(...shorts(kv.rows).map((s) => Number(s.ttft_s)));
    expect(worst).toBeLessThan(0.02 * Number(kvLong.ttft_s));
    // and the tail follows: p99 TTFT of the run (shorts and all) falls by more than ten times
    expect(Number(kv.summary.ttft_p99_s)).toBeLessThan(0.1 * Number(loaded.summary.ttft_p99_s));
  });

  it("finds more of Mooncake's shared blocks than least_loaded, and accounts for every request", async () => {
    const loaded = await runScenario(MOONCAKE, { horizon: "2m" });
    const kv = await runScenario(MOONCAKE, { horizon: "2m", set: ["scheduler.routing=kv_aware"] });
    expect(loaded.summary.prefixHitRate).toBeGreaterThan(0);
    expect(kv.summary.prefixHitRate).toBeGreaterThan(1.3 * (loaded.summary.prefixHitRate ?? 0));
    expectEveryRequestAccounted(kv.run);
  });

  it("conserves requests, tokens and money: the request log adds up to summary.csv", () => {
    const { rows, summary } = requestRows(MOONCAKE, ["scheduler.routing=kv_aware"], ["--horizon", "2m"]);
    const done = rows.filter((x) => x.outcome === "completed");
    const sum = (list: typeof rows, col: string) => list.reduce((a, x) => a + Number(x[col]), 0);
    expect(done.length).toBe(Number(summary.completed));
    expect(rows.filter((x) => x.outcome === "rejected").length).toBe(Number(summary.rejected));
    expect(sum(done, "prompt_tokens")).toBe(Number(summary.input_tokens));
    expect(sum(done, "output_tokens")).toBe(Number(summary.output_tokens));
    expect(sum(done, "cached_tokens")).toBe(Number(summary.cached_input_tokens));
    expect(Number(summary.cached_input_tokens)).toBeGreaterThan(0);
    // billed to the micro-dollar: the rows' amounts add up to the revenue (a pay-as-you-go tenant)
    expect(Math.round(sum(rows, "billed_usd") * 1e6)).toBe(Math.round(Number(summary.revenue_usd) * 1e6));
  });

  it("writes the same bytes twice, on 1 and 2 worker threads, and with a seeded temperature", () => {
    const run = prefixFleetRunner("kv_aware");
    const w1 = run(["--workers", "1"]);
    const w2 = run(["--workers", "2"]);
    const again = run(["--workers", "1"]);
    const warm = run(["--workers", "2", "--set", "scheduler.kv_aware.temperature=1"]);
    const warmAgain = run(["--workers", "1", "--set", "scheduler.kv_aware.temperature=1"]);
    expect(Number(parseCsv(w1("summary.csv"))[0]!.cached_input_tokens)).toBeGreaterThan(0);
    for (const f of COMPARED_FILES) {
      expect(w2(f), f).toBe(w1(f));
      expect(again(f), f).toBe(w1(f));
      expect(warmAgain(f), f).toBe(warm(f));
    }
    // the draws change the choices
    expect(warm("timeseries.csv")).not.toBe(w1("timeseries.csv"));
  });
});

describe("kv_aware input errors", () => {
  const routing = "scheduler: { routing: kv_aware, prefill: chunked, gpu_memory_utilization: 0.2794 }";
  it("refuses prefill: pause: exit 2, file:line and field, nothing written", () => {
    expectRunRefusesVariant(
      STALE,
      routing,
      routing.replace("prefill: chunked", "prefill: pause"),
      "scheduler:",
      "scheduler.routing: kv_aware needs prefill: chunked",
    );
  });
  it("refuses batching: static (prefill: pause by default)", () => {
    expectRunRefusesVariant(
      STALE,
      routing,
      routing.replace("prefill: chunked", "batching: static"),
      "scheduler:",
      "scheduler.routing: kv_aware needs prefill: chunked",
    );
  });
  for (const [what, tuning, field] of [
    ["a negative overlap weight", "kv_aware: { overlap_weight: -1 }", "scheduler.kv_aware.overlap_weight"],
    ["a negative temperature", "kv_aware: { temperature: -0.5 }", "scheduler.kv_aware.temperature"],
    ["an unknown tuning field", "kv_aware: { overlap_score_weight: 2 }", "scheduler.kv_aware"],
  ] as const) {
    it(`refuses ${what}`, () => {
      expectRunRefusesVariant(
        STALE,
        routing,
        routing.replace("gpu_memory_utilization: 0.2794", `gpu_memory_utilization: 0.2794, ${tuning}`),
        "scheduler:",
        field,
      );
    });
  }
});
