/**
 * `npm run bench`: the three performance figures, printed as a table and written to
 * bench/results.json.
 *  - hot loop: the full engine and scheduler on M/M/64 (lambda 56, mu 1, shared_queue, batch 1)
 *    for 3 M arrivals, in events/s and as a ratio to the reference heap loop run in this process
 *    (best of 3 alternating rounds, as the gate);
 *  - fleet: bench/scenarios/fleet.yaml (about 2.2 M requests) through the CLI, requests/s (best
 *    of 3 runs: on a shared machine interference only ever slows a run down);
 *  - memory: peak RSS of a 20 M-request run.
 * `npm run bench -- --check` runs a short hot loop only and fails (exit 1) when its ratio falls more
 * than 25 % below bench/baseline.json.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenario } from "../src/scenario/load.js";
import { simulate } from "../src/sim/simulation.js";
import { checkRegression } from "./gate.js";
import { hotLoop, LAMBDA } from "./hot-loop.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", ".."); // compiled into .bench-build/bench/
const benchDir = join(root, "bench");

async function engineMmc(arrivals: number, seed: number) {
  const s = await loadScenario(join(benchDir, "scenarios", "mm64.yaml"), {
    horizon: `${Math.round(arrivals / LAMBDA)}s`,
    seed,
  });
  const run = await simulate(s);
  return { events: run.events, seconds: run.wallSeconds, requests: run.stats[0].requests };
}

function cliRun(args: string[]) {
  const out = mkdtempSync(join(tmpdir(), "fleetsim-bench-"));
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(root, "dist", "cli", "main.js"), "run", ...args, "--out", out, "--quiet", "--json"],
    {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1 << 24,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`fleetsim run failed: ${r.stderr}`);
  return { summary: JSON.parse(r.stdout), seconds };
}

function fleet(runs: number) {
  let best = { requests: 0, seconds: Number.POSITIVE_INFINITY, requestsPerS: 0 };
  for (let i = 0; i < runs; i++) {
    const { summary, seconds } = cliRun([join(benchDir, "scenarios", "fleet.yaml")]);
    if (seconds < best.seconds)
      best = { requests: summary.requests, seconds, requestsPerS: summary.requests / seconds };
  }
  return { ...best, threads: availableParallelism() };
}

function memory(requests: number) {
  const horizon = `${Math.round(requests / LAMBDA)}s`;
  const r = spawnSync(
    process.execPath,
    [join(here, "memory-child.js"), join(benchDir, "scenarios", "mm64.yaml"), horizon],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`memory run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { requests: number; peakRssMb: number; seconds: number };
}

function gitCommit(): string {
  const r = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain", "src"], {
    cwd: root,
    encoding: "utf8",
  }).stdout.trim();
  return r.status === 0 ? `${r.stdout.trim()}${dirty ? "+dirty" : ""}` : "unknown";
}

async function main() {
  const check = process.argv.includes("--check");
  const baselinePath = join(benchDir, "baseline.json");
  if (check) {
    const hot = await hotLoop(engineMmc, 1_000_000, 3);
    const baseline = JSON.parse(readFileSync(baselinePath, "utf8")).hotLoopRatio as number;
    const verdict = checkRegression(hot.ratio, baseline);
    console.log(
      `hot loop: ${(hot.engineEventsPerS / 1e6).toFixed(2)} M events/s, reference ${(hot.referenceEventsPerS / 1e6).toFixed(2)} M events/s`,
    );
    console.log(verdict.message);
    process.exit(verdict.ok ? 0 : 1);
  }
  const hot = await hotLoop(engineMmc, 3_000_000, 3);
  const fl = fleet(3);
  const mem = memory(20_000_000);
  const results = {
    commit: gitCommit(),
    date: new Date().toISOString(),
    node: process.version,
    hotLoop: {
      arrivals: 3_000_000,
      engineEventsPerS: Math.round(hot.engineEventsPerS),
      referenceEventsPerS: Math.round(hot.referenceEventsPerS),
      ratio: Number(hot.ratio.toFixed(4)),
      ratioOfBestRates: Number(hot.ratioOfBestRates.toFixed(4)),
      target: "ratio >= 0.6",
    },
    fleet: {
      requests: fl.requests,
      seconds: Number(fl.seconds.toFixed(3)),
      requestsPerS: Math.round(fl.requestsPerS),
      threads: fl.threads,
      target: ">= 1,000,000 requests/s",
    },
    memory: {
      requests: mem.requests,
      peakRssMb: Number(mem.peakRssMb.toFixed(1)),
      seconds: Number(mem.seconds.toFixed(1)),
      target: "< 300 MB",
    },
  };
  writeFileSync(join(benchDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const rows: Array<[string, string, string]> = [
    [
      "hot loop (M/M/64, 3 M arrivals)",
      `${(hot.engineEventsPerS / 1e6).toFixed(2)} M events/s`,
      `ratio ${hot.ratio.toFixed(3)} to reference ${(hot.referenceEventsPerS / 1e6).toFixed(2)} M events/s (target >= 0.6; best rate over best rate ${hot.ratioOfBestRates.toFixed(3)})`,
    ],
    [
      "fleet (CLI, outputs written)",
      `${Math.round(fl.requestsPerS).toLocaleString("en-US")} requests/s`,
      `${fl.requests.toLocaleString("en-US")} requests in ${fl.seconds.toFixed(2)} s, best of 3, ${fl.threads} threads (target >= 1,000,000/s)`,
    ],
    [
      "memory (20 M requests)",
      `${mem.peakRssMb.toFixed(1)} MB peak RSS`,
      `${mem.requests.toLocaleString("en-US")} requests in ${mem.seconds.toFixed(1)} s (target < 300 MB)`,
    ],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`fleetsim benchmarks at ${results.commit} (${process.version})`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
  console.log(`written to bench/results.json`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
