/**
 * Azure's public traces replayed end to end. Exact figures, no tolerance: a trace replayed once on
 * a fleet that completes every request reproduces the trace's own counts (shared traces README:
 * conv 19,366 requests, 22,361,870 input and 4,088,665 output tokens; code 8,819 requests,
 * 18,059,974 and 245,896).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../supply/csv.js";
import { runScenario } from "../support/run-scenario.js";
import { cliAsync } from "./cli-async.js";

const CONV = { requests: 19_366, input: 22_361_870, output: 4_088_665 };
const CODE = { requests: 8_819, input: 18_059_974, output: 245_896 };

describe("replaying AzureLLMInferenceTrace_conv.csv", () => {
  it("through the CLI on an ample fleet: summary.csv has the trace's exact requests and tokens", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-conv-")), "res");
    const r = await cliAsync(["run", "test/fixtures/demand/conv-replay.yaml", "--out", out, "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const [row] = parseCsv(readFileSync(join(out, "summary.csv"), "utf8"));
    expect(Number(row.requests)).toBe(CONV.requests);
    expect(Number(row.completed)).toBe(CONV.requests);
    expect(Number(row.rejected)).toBe(0);
    expect(Number(row.in_flight)).toBe(0);
    expect(Number(row.input_tokens)).toBe(CONV.input);
    expect(Number(row.output_tokens)).toBe(CONV.output);
  });
});

describe("the shipped scenario scenarios/azure-trace-replay.yaml", () => {
  it("validates", async () => {
    const r = await cliAsync(["validate", "scenarios/azure-trace-replay.yaml"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ok scenarios/azure-trace-replay.yaml\n");
    expect(r.status).toBe(0);
  });

  it("replays both traces whole, one tenant each, aligned to their recorded start times", async () => {
    const { files, scenario } = await runScenario("scenarios/azure-trace-replay.yaml");
    expect(scenario.description).toMatch(/Question: how many nd-h100-v5 nodes/);
    const rows = parseCsv(files().get("tenants.csv")!);
    const byTenant = new Map(rows.map((r) => [r.tenant, r]));
    // One conversation (18:34:16.13831: 14,050 prompt + 39 output tokens) is longer than Llama 3
    // 70B's 8,192-token context: it is rejected, as vLLM refuses it. Every other request completes.
    const TOO_LONG = { requests: 1, input: 14_050, output: 39 };
    const NONE = { requests: 0, input: 0, output: 0 };
    for (const [tenant, model, want, rejected] of [
      ["coding-assistant", "gpt-4o", CODE, NONE],
      ["chat-service", "llama-3-70b", CONV, TOO_LONG],
    ] as const) {
      const r = byTenant.get(tenant)!;
      expect(r.model).toBe(model);
      expect(Number(r.requests)).toBe(want.requests);
      expect(Number(r.rejected)).toBe(rejected.requests);
      expect(Number(r.completed)).toBe(want.requests - rejected.requests);
      expect(Number(r.input_tokens)).toBe(want.input - rejected.input);
      expect(Number(r.output_tokens)).toBe(want.output - rejected.output);
    }
    // The conversation trace's first request (18:15:46.68059) is the scenario start; the coding
    // trace's (18:17:03.97996) lands 77.29937 s later, as recorded.
    // (The start is kept to the millisecond.)
    expect(Math.abs(scenario.startMs - (Date.UTC(2023, 10, 16, 18, 15, 46) + 680.59))).toBeLessThan(1);
    const code = scenario.tenants[0].workloads[0].arrival;
    expect(code.process === "trace" && code.trace.offset).toBeCloseTo(77.29937, 6);
  });
});
