/**
 * The benchmark fleet (bench/scenarios/fleet.yaml) for 10 minutes with prompts that share prefixes
 * (tenant 0: 8 groups of 512 tokens; tenant 3: 3 of 256) under a routing policy: the run the
 * routing determinism tests repeat on 1 and 2 worker threads.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { cli } from "./cli.js";
import { scenarioPath } from "./run-scenario.js";

/** Runs the fleet under `routing` with `extra` arguments into a new folder; returns a reader of its files. */
export function prefixFleetRunner(routing: string): (extra: string[]) => (file: string) => string {
  const dir = mkdtempSync(join(tmpdir(), `fleetsim-${routing}-`));
  const args = [
    "run",
    scenarioPath("bench/scenarios/fleet.yaml"),
    "--horizon",
    "10m",
    "--set",
    `scheduler.routing=${routing}`,
    "--set",
    "tenants.0.workloads.0.prefix={tokens: 512, groups: 8}",
    "--set",
    "tenants.3.workloads.0.prefix={tokens: 256, groups: 3}",
  ];
  let n = 0;
  return (extra) => {
    const out = join(dir, `run-${n++}`);
    const r = cli([...args, ...extra, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    return (file) => readFileSync(join(out, file), "utf8");
  };
}

/** The files the routing determinism tests compare. */
export const COMPARED_FILES = ["summary.csv", "tenants.csv", "timeseries.csv", "margin.csv"];
