/**
 * Bad autoscaling input (issue #24): each mistake is an input error naming the file, the line and
 * the field, and the command line exits 2 writing nothing.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { problemsOf } from "../scenario/helpers.js";
import { cli } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";

const BASE = readFileSync(scenarioPath("test/fixtures/autoscaling/switching.yaml"), "utf8").replace(
  "hardware_profiles: [profiles]",
  `hardware_profiles: [${JSON.stringify(scenarioPath("test/fixtures/autoscaling/profiles"))}]`,
);

function variant(edit: (text: string) => string): string {
  const text = edit(BASE);
  expect(text).not.toBe(BASE); // the edit applied
  const file = join(mkdtempSync(join(tmpdir(), "fleetsim-autoscaling-")), "bad.yaml");
  writeFileSync(file, text);
  return file;
}

/** Line (1-based) of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  return (
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(needle)) + 1
  );
}

const CASES: Array<{ name: string; edit: (t: string) => string; path: string; at: string; message: RegExp }> =
  [
    {
      name: "an unknown model",
      edit: (t) => t.replace("- models: [as-a]", "- models: [as-c]"),
      path: "autoscaling.policies.0.models.0",
      at: "models: [as-c]",
      message: /unknown model "as-c"/,
    },
    {
      name: "a model in two policies",
      edit: (t) => t.replace("- models: [as-b]", "- models: [as-a] # again"),
      path: "autoscaling.policies.1.models.0",
      at: "- models: [as-a] # again",
      message: /already scaled by policy 0/,
    },
    {
      name: "min_replicas above max_replicas",
      edit: (t) =>
        t.replace(
          'max_replicas: 3\n      cooldown: 1m\n      scheduled: [{ from: "00:00", replicas: 1 }',
          'max_replicas: 3\n      min_replicas: 4\n      cooldown: 1m\n      scheduled: [{ from: "00:00", replicas: 1 }',
        ),
      path: "autoscaling.policies.0.min_replicas",
      at: "min_replicas: 4",
      message: /min_replicas \(4\) must not exceed max_replicas \(3\)/,
    },
    {
      name: "two rules in one policy",
      edit: (t) =>
        t.replace(
          '      scheduled: [{ from: "00:00", replicas: 1 }',
          '      predictive: { target_utilization: 0.7 }\n      scheduled: [{ from: "00:00", replicas: 1 }',
        ),
      path: "autoscaling.policies.0.predictive",
      at: "predictive: {",
      message: /give only one of reactive, scheduled or predictive/,
    },
    {
      name: "a time of day that does not exist",
      edit: (t) => t.replace('{ from: "08:00", replicas: 3 }', '{ from: "24:00", replicas: 3 }'),
      path: "autoscaling.policies.0.scheduled.1.from",
      at: '"24:00"',
      message: /must be a time of day HH:MM/,
    },
    {
      name: "thresholds the wrong way round",
      edit: (t) =>
        t.replace(
          '      scheduled: [{ from: "00:00", replicas: 1 }, { from: "08:00", replicas: 3 }]',
          "      reactive: { metric: utilization, scale_up_above: 0.5, scale_down_below: 0.5 }",
        ),
      path: "autoscaling.policies.0.reactive.scale_down_below",
      at: "scale_up_above: 0.5",
      message: /must be below scale_up_above/,
    },
    {
      name: "a fleet change on a pool the autoscaler manages",
      edit: (t) =>
        t.replace(
          "autoscaling:\n",
          "  changes: [{ at: 10m, pool: p, add_nodes: 1, model: as-a }]\nautoscaling:\n",
        ),
      path: "fleet.changes.0.pool",
      at: "changes: [",
      message: /managed by the autoscaler and takes no fleet.changes/,
    },
    {
      name: "a pool's scaling below its nodes",
      edit: (t) =>
        t.replace(
          "      serves: [{ model: as-a, nodes: 1 }, { model: as-b, nodes: 3 }]",
          "      serves: [{ model: as-a, nodes: 1 }, { model: as-b, nodes: 3 }]\n      scaling: { max_nodes: 3 }",
        ),
      path: "fleet.pools.0.scaling.max_nodes",
      at: "scaling: { max_nodes: 3 }",
      message: /max_nodes \(3\) must not be below the pool's nodes \(4\)/,
    },
    {
      name: "a fidelity the autoscaler does not run in",
      edit: (t) =>
        t.replace(
          "horizon: 1h",
          "horizon: 1h\nfidelity: hybrid\nfluid: { windows: [{ at: 0, duration: 10m }] }",
        ),
      path: "autoscaling",
      at: "autoscaling:",
      message: /autoscaling runs with fidelity request or fluid, got hybrid/,
    },
    {
      name: "a metric the fluid mode cannot observe",
      edit: (t) =>
        t
          .replace("horizon: 1h", "horizon: 1h\nfidelity: fluid")
          .replace(
            '      scheduled: [{ from: "00:00", replicas: 1 }, { from: "08:00", replicas: 3 }]',
            "      reactive: { metric: kv, scale_up_above: 0.8, scale_down_below: 0.3 }",
          ),
      path: "autoscaling.policies.0.reactive.metric",
      at: "metric: kv",
      message: /metric kv needs fidelity request/,
    },
  ];

describe("autoscaling: bad input", () => {
  it.each(CASES)("$name: file, line and field", async ({ edit, path, at, message }) => {
    const file = variant(edit);
    const problems = await problemsOf(loadScenario(file));
    const p = problems.find((x) => x.path === path);
    expect(p, JSON.stringify(problems)).toBeDefined();
    expect(p!.file).toBe(file);
    expect(p!.line).toBe(lineOf(file, at));
    expect(p!.message).toMatch(message);
  });

  it("plan refuses to size a pool the autoscaler manages: exit 2, file:line field, nothing written", () => {
    const file = variant((t) => `${t}plan:\n  pools:\n    - { pool: p, nodes: { min: 1, max: 8 } }\n`);
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-autoscaling-plan-")), "res");
    const r = cli(["plan", file, "--out", out, "--quiet"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${file}:${lineOf(file, "- { pool: p, nodes:")} plan.pools.0.pool: pool "p" is managed by the autoscaler`,
    );
    expect(existsSync(out)).toBe(false);
    // run ignores the plan: section, so the same file runs
    expect(cli(["run", file, "--out", out, "--horizon", "5m", "--quiet"]).status).toBe(0);
  });

  it("the command line exits 2 with file:line and field, and writes nothing", () => {
    const file = variant(CASES[0].edit);
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-autoscaling-out-")), "res");
    const r = cli(["run", file, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${file}:${lineOf(file, "models: [as-c]")} autoscaling.policies.0.models.0: unknown model "as-c"`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });
});
