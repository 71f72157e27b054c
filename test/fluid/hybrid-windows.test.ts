/**
 * fluid.windows as the loader resolves them: the repeating form expanded, clipped to the horizon,
 * overlapping and touching windows merged; mistakes reported with file, line and path.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { problemsOf, writeScenario } from "../scenario/helpers.js";

/** A small scenario whose line 7 onwards is `fluid:` (so window n starts at line 9 + n). */
function scenarioWith(windows: string[], extra: string[] = []): string {
  return writeScenario([
    "name: windows",
    "horizon: 10d",
    "report_interval: 1h",
    "fidelity: hybrid",
    "fleet:",
    "  pools: [{ id: p, profile: nd-h100-v5, nodes: 1, serves: [{ model: llama-3-70b, nodes: 1 }] }]",
    "fluid:",
    "  windows:",
    ...windows.map((w) => `    - ${w}`),
    ...extra,
  ]);
}

const H = 3600;
const D = 86_400;

describe("hybrid windows", () => {
  it("expands the repeating form, clips to the horizon and merges what overlaps or touches", async () => {
    const s = await loadScenario(
      scenarioWith([
        "{ every: 3d, offset: 1d, duration: 6h }", // 1d, 4d, 7d (10d is past the horizon)
        "{ at: 4d, duration: 1h }", // inside the 4d one: merged
        "{ at: 7d, duration: 12h }", // longer than the 7d one: merged into 7d + 12h
        "{ at: 9d, duration: 2d }", // clipped at 10d
        "{ at: 30h, duration: 2h }", // touches the 1d one (24h-30h): merged into 24h-32h
      ]),
    );
    expect(s.fluid?.windows).toEqual([
      { at: D, duration: 8 * H },
      { at: 4 * D, duration: 6 * H },
      { at: 7 * D, duration: 12 * H },
      { at: 9 * D, duration: D },
    ]);
  });

  it("refuses overlapping and misaligned windows with file:line, and drops those past the horizon", async () => {
    const file = scenarioWith([
      "{ at: 2d, duration: 1d }", // line 9
      "{ at: 60h, duration: 1d }", // line 10: overlaps the 2d-3d window
      "{ at: 90m, duration: 1h }", // line 11: not on a report interval
      "{ at: 12d, duration: 1h }", // line 12: past the horizon: never occurs, like a late event
      "{ every: 1d, duration: 1d }", // line 13: repeats into itself
      "{ at: 1d, every: 2d, duration: 1h }", // line 14: both forms
      "{ duration: 1h }", // line 15: neither form
    ]);
    const problems = await problemsOf(loadScenario(file));
    const shown = problems.map((p) => `${p.line} ${p.path}: ${p.message}`);
    expect(shown).toEqual([
      "11 fluid.windows.2.at: must be a whole number of report intervals (1h), got 90m",
      "13 fluid.windows.4.duration: must be shorter than every (1d), got 1d: the windows would overlap (use one window { at, duration } instead)",
      "14 fluid.windows.5.every: give at (one window) or every (a repeating window), not both",
      "15 fluid.windows.6: give at (one window) or every (a repeating window)",
    ]);
    expect(problems.every((p) => p.file === file)).toBe(true);
    // Overlaps are checked once each window is valid on its own.
    const overlap = await problemsOf(
      loadScenario(scenarioWith(["{ at: 2d, duration: 1d }", "{ at: 60h, duration: 1d }"])),
    );
    expect(overlap.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      "10 fluid.windows.1.at: overlaps fluid.windows.0 (line 9), which runs from 2d to 3d; merge them into one window",
    ]);
  });

  it("a hybrid run without a window inside its horizon is the fluid run", async () => {
    const file = writeScenario([
      "name: none",
      "horizon: 1d",
      "fidelity: hybrid",
      "fluid: { windows: [{ at: 2d, duration: 1h }] }",
      "fleet:",
      "  pools: [{ id: p, profile: nd-h100-v5, nodes: 1, serves: [{ model: llama-3-70b, nodes: 1 }] }]",
      "tenants:",
      "  - id: t",
      "    workloads:",
      "      - model: llama-3-70b",
      "        arrival: { process: poisson, rate_per_s: 2 }",
      "        prompt_tokens: { dist: constant, value: 500 }",
      "        output_tokens: { dist: constant, value: 50 }",
    ]);
    const s = await loadScenario(file);
    expect(s.fluid?.windows).toEqual([]);
    const hybrid = await simulate(s);
    const fluid = await simulate(await loadScenario(file, { fidelity: "fluid" }));
    expect(hybrid.stats[0].requests).toBeGreaterThan(0);
    expect(hybrid.stats[0].requests).toBe(fluid.stats[0].requests);
    expect(hybrid.stats[0].outputTokens).toBe(fluid.stats[0].outputTokens);
  });

  it("a repeating window's period and duration must be whole report intervals", async () => {
    const problems = await problemsOf(
      loadScenario(scenarioWith(["{ every: 91800, offset: 1h, duration: 5400 }"])),
    );
    expect(problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      "9 fluid.windows.0.every: must be a whole number of report intervals (1h), got 1530m",
      "9 fluid.windows.0.duration: must be a whole number of report intervals (1h), got 90m",
    ]);
  });
});
