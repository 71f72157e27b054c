import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { addPrefillChunk, emptyComposition } from "../../src/fleet/step-time.js";
import { loadLines, MINIMAL, problemsOfLines } from "../scenario/helpers.js";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { expectRunRefusesVariant } from "../support/refusal.js";
import { runScenario } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/chunked-8b.yaml";
const REL = 1e-9;

describe("long_prefill_token_threshold in a run", () => {
  it("a lone prompt of P tokens takes ceil(P / threshold) prompt steps to its first token", async () => {
    const { scenario, run } = await runScenario(FIXTURE, {
      set: ["scheduler.long_prefill_token_threshold=256"],
    });
    expect(scenario.scheduler.longPrefillTokenThreshold).toBe(256);
    const profile = scenario.profiles.find((p) => p.id === "nd-h100-v5")!;
    const model = scenario.models.find((m) => m.id === "llama-3.1-8b")!;
    const { stepModel } = servingSetup(profile, model);
    // 8 replicas and 0.1 request/s: every request finds an idle replica (as chunked-run.test.ts)
    for (const [tenant, prompt, output, steps] of [
      ["chat", 1000, 100, 4], // 256 + 256 + 256 + 232
      ["batch", 3000, 50, 12], // 11 x 256 + 184
    ] as const) {
      expect(Math.ceil(prompt / 256)).toBe(steps);
      const ti = scenario.tenants.findIndex((t) => t.id === tenant);
      const st = run.stats.find((x) => x.tenantIndex === ti)!;
      expect(st.completed).toBeGreaterThan(20);
      let ttft = 0;
      for (let k = 0; k < steps; k++) {
        const c = emptyComposition();
        const n = Math.min(256, prompt - 256 * k);
        addPrefillChunk(c, 256 * k, n, 256 * k + n === prompt);
        ttft += stepModel.stepSeconds(c);
      }
      const whole = emptyComposition();
      addPrefillChunk(whole, 0, prompt, true);
      // spreading the prompt costs time: every step pays the weights read and the fixed overhead
      expect(ttft).toBeGreaterThan(stepModel.stepSeconds(whole));
      const tpot = stepModel.decodeRunSeconds(1, prompt, output - 1) / (output - 1);
      expect(Math.abs(st.ttftS.mean()! - ttft)).toBeLessThan(REL * ttft * 10);
      expect(Math.abs(st.tpotS.mean()! - tpot)).toBeLessThan(REL * tpot * 10);
    }
  });

  it("under load, conserves requests, tokens and money against no threshold", async () => {
    const load = [
      "tenants.0.workloads.0.arrival.rate_per_s=12",
      "tenants.1.workloads.0.arrival.rate_per_s=4",
      "scheduler.max_num_batched_tokens=2048",
    ];
    const off = await runScenario(FIXTURE, { set: load, horizon: "3m" });
    const on = await runScenario(FIXTURE, {
      set: [...load, "scheduler.long_prefill_token_threshold=256"],
      horizon: "3m",
    });
    expect(off.scenario.scheduler.longPrefillTokenThreshold).toBe(0);
    expect(on.summary.requests).toBe(off.summary.requests);
    const price = on.scenario.models.find((m) => m.id === "llama-3.1-8b")!.price;
    for (const out of [off, on]) {
      expectEveryRequestAccounted(out.run);
      const [chat, batch] = [0, 1].map((ti) => out.run.stats.find((x) => x.tenantIndex === ti)!);
      expect(chat.completed).toBeGreaterThan(100);
      expect(chat.outputTokens).toBe(chat.completed * 100);
      expect(chat.inputTokens).toBe(chat.completed * 1000);
      expect(batch.outputTokens).toBe(batch.completed * 50);
      expect(batch.inputTokens).toBe(batch.completed * 3000);
      const s = out.summary;
      const list = s.inputTokens * price.inputUsdPerMtok + s.outputTokens * price.outputUsdPerMtok;
      expect(Math.abs(s.revenue - list)).toBeLessThanOrEqual(1e-6 * list);
    }
    // the threshold changes the service: long prompts take more steps to their first token
    const ttft = (x: typeof on, ti: number) => x.run.stats.find((s) => s.tenantIndex === ti)!.ttftS.mean()!;
    expect(ttft(on, 1)).toBeGreaterThan(ttft(off, 1));
  });
});

const messages = async (lines: string[]) => (await problemsOfLines(lines)).map(formatProblem);

describe("scheduler.long_prefill_token_threshold: bad input", () => {
  it("names the field, its line and why", async () => {
    const why =
      "long_prefill_token_threshold needs prefill: chunked (under prefill: pause a prompt is prefilled whole in one step)";
    expect(
      await messages([...MINIMAL, "scheduler: { prefill: pause, long_prefill_token_threshold: 256 }"]),
    ).toEqual([`S:17 scheduler.long_prefill_token_threshold: ${why}`]);
    // static batching defaults to prefill: pause
    expect(
      await messages([...MINIMAL, "scheduler: { batching: static, long_prefill_token_threshold: 256 }"]),
    ).toEqual([`S:17 scheduler.long_prefill_token_threshold: ${why}`]);
    for (const bad of ["-1", "2.5", "ten"]) {
      const m = await messages([...MINIMAL, `scheduler: { long_prefill_token_threshold: ${bad} }`]);
      expect(m).toHaveLength(1);
      expect(m[0]).toMatch(/^S:17 scheduler\.long_prefill_token_threshold: /);
    }
    // accepted: 0 anywhere (off), a threshold under chunked prefill (given or default)
    for (const [ok, v] of [
      ["scheduler: { long_prefill_token_threshold: 256 }", 256],
      ["scheduler: { prefill: chunked, long_prefill_token_threshold: 1 }", 1],
      ["scheduler: { prefill: pause, long_prefill_token_threshold: 0 }", 0],
      ["scheduler: { prefill: chunked }", 0],
    ] as const) {
      const s = await loadLines([...MINIMAL, ok]);
      expect(s.scheduler.longPrefillTokenThreshold).toBe(v);
    }
  });

  it("the command line exits 2 with file:line and field, and writes nothing", () => {
    expectRunRefusesVariant(
      FIXTURE,
      "scheduler: { routing: least_loaded, prefill: chunked }",
      "scheduler: { routing: least_loaded, prefill: pause, long_prefill_token_threshold: 256 }",
      "long_prefill_token_threshold",
      "scheduler.long_prefill_token_threshold: long_prefill_token_threshold needs prefill: chunked",
    );
  });
});

describe("long_prefill_token_threshold with spot preemption and an outage", () => {
  it("every request taken out mid-prompt is accounted for, billed once, and the run is deterministic", async () => {
    const fixture = "test/fixtures/serving/lpt-disrupted.yaml";
    const a = await runScenario(fixture);
    const b = await runScenario(fixture);
    expect(a.scenario.scheduler.longPrefillTokenThreshold).toBe(64);
    // spot work displaced (requeued with its progress lost), some of it mid-prompt
    expect(a.run.stats.reduce((s, st) => s + st.preempted, 0)).toBeGreaterThan(0);
    // arrivals stop at 150 s: every request is completed or rejected by the horizon (one lost by
    // a replica would stay in flight)
    for (const st of a.run.stats) expect(st.completed + st.rejected).toBe(st.requests);
    const [chat, batch] = [0, 1].map((ti) => a.run.stats.find((x) => x.tenantIndex === ti)!);
    expect(chat.completed).toBeGreaterThan(100);
    expect(batch.completed).toBeGreaterThan(0);
    expect(chat.outputTokens).toBe(chat.completed * 100);
    expect(chat.inputTokens).toBe(chat.completed * 1000);
    expect(batch.outputTokens).toBe(batch.completed * 50);
    expect(batch.inputTokens).toBe(batch.completed * 3000);
    // the same bytes (the CSV tables; summary.json also holds the run's wall time)
    const [fa, fb] = [a.files(), b.files()];
    for (const [name, text] of fa) if (name.endsWith(".csv")) expect(fb.get(name)).toBe(text);
  });
});
