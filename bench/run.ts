/**
 * `npm run bench`: the three performance figures, printed as a table and written to
 * bench/results.json.
 *  - hot loop: the full engine and scheduler on M/M/64 (lambda 56, mu 1, shared_queue, batch 1)
 *    for 3 M arrivals, in events/s and as a ratio to the reference heap loop run in the same
 *    process (best of 3 alternating rounds), in 5 processes of their own: the median of their
 *    figures (bench/processes.ts);
 *  - fleet: bench/scenarios/fleet.yaml (about 2.2 M requests) through the CLI, requests/s (best
 *    of 3 runs: on a shared machine interference only ever slows a run down);
 *  - memory: peak RSS of a 20 M-request run.
 * `npm run bench -- --check` runs a short hot loop only (3 processes of 3 rounds of 1 M arrivals)
 * and fails (exit 1) when the median ratio falls more than 25 % below bench/baseline.json.
 * `--processes N` sets the number of hot-loop processes of either.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchDir, root } from "./engine-mmc.js";
import { checkRegression } from "./gate.js";
import { LAMBDA } from "./hot-loop.js";
import { type CombinedFigure, combineProcesses, type ProcessFigure } from "./processes.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The hot loop in `processes` fresh processes taken one after another, and their median. */
function hotLoopProcesses(arrivals: number, rounds: number, processes: number): CombinedFigure {
  const figures: ProcessFigure[] = [];
  for (let i = 0; i < processes; i++) {
    const r = spawnSync(
      process.execPath,
      [join(here, "hot-loop-child.js"), String(arrivals), String(rounds)],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`hot-loop process failed: ${r.stderr}`);
    figures.push(JSON.parse(r.stdout) as ProcessFigure);
  }
  return combineProcesses(figures);
}

/** "0.612 (0.574-0.655 over 5 processes)" */
function spread(median: number, sorted: number[]): string {
  return `${median.toFixed(3)} (${sorted[0].toFixed(3)}-${sorted[sorted.length - 1].toFixed(3)} over ${sorted.length} processes)`;
}

function processesArg(fallback: number): number {
  const i = process.argv.indexOf("--processes");
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--processes takes a whole number of 1 or more, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  return n;
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
    const hot = hotLoopProcesses(1_000_000, 3, processesArg(3));
    const baseline = JSON.parse(readFileSync(baselinePath, "utf8")).hotLoopRatio as number;
    const verdict = checkRegression(hot.ratio, baseline);
    console.log(
      `hot loop: ${(hot.engineEventsPerS / 1e6).toFixed(2)} M events/s, reference ${(hot.referenceEventsPerS / 1e6).toFixed(2)} M events/s, ratio ${spread(hot.ratio, hot.ratios)}`,
    );
    console.log(verdict.message);
    process.exit(verdict.ok ? 0 : 1);
  }
  const hot = hotLoopProcesses(3_000_000, 3, processesArg(5));
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
      processes: hot.processes,
      ratio: Number(hot.ratio.toFixed(4)),
      ratios: hot.ratios.map((x) => Number(x.toFixed(4))),
      ratioOfBestRates: Number(hot.ratioOfBestRates.toFixed(4)),
      ratiosOfBestRates: hot.ratiosOfBestRates.map((x) => Number(x.toFixed(4))),
      target: "ratio (median over the processes) >= 0.6",
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
      `ratio ${spread(hot.ratio, hot.ratios)} to reference ${(hot.referenceEventsPerS / 1e6).toFixed(2)} M events/s (target >= 0.6; best rate over best rate ${spread(hot.ratioOfBestRates, hot.ratiosOfBestRates)}; medians)`,
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
