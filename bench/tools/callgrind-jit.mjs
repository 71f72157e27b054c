#!/usr/bin/env node
/**
 * Instructions per request of the M/M/64 hot loop, by function, from two callgrind runs (a short
 * and a long one: their difference cancels start-up and compilation). Instruction counts under
 * callgrind are the same from run to run, so a change of a few per cent shows; they do not count
 * cycles (branch misses, memory stalls, call overhead), so confirm a gain in wall time too
 * (pair.mjs). JIT code is named from the perf map node writes with --perf-basic-prof.
 *
 *   node bench/tools/callgrind-jit.mjs DIR [short=100000] [long=400000]
 *
 * DIR is a built copy of fleetsim (see build-engine.mjs). Needs valgrind (apt-get install valgrind); the
 * two runs take about a minute on two cores.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = resolve(process.argv[2] ?? ".");
const short = Number(process.argv[3] ?? 100_000);
const long = Number(process.argv[4] ?? 400_000);
const work = mkdtempSync(join(tmpdir(), "fleetsim-callgrind-"));

const driver = join(work, "run.mjs");
writeFileSync(
  driver,
  `const root = ${JSON.stringify(pathToFileURL(dir).href)};
const { loadScenario } = await import(root + "/dist/scenario/load.js");
const { simulate } = await import(root + ${JSON.stringify(existsSync(join(dir, "dist/run/simulate.js")) ? "/dist/run/simulate.js" : "/dist/sim/simulation.js")});
const n = Number(process.argv[2]);
const s = await loadScenario(${JSON.stringify(join(dir, "bench/scenarios/mm64.yaml"))}, { horizon: Math.round(n / 56) + "s", seed: 1 });
await simulate(s);
`,
);

function run(n) {
  const out = join(work, `cg-${n}`);
  return new Promise((ok, fail) => {
    const p = spawn(
      "valgrind",
      [
        "--tool=callgrind",
        "--dump-instr=yes",
        "--compress-pos=no",
        "--compress-strings=no",
        `--callgrind-out-file=${out}.cg`,
        process.execPath,
        "--perf-basic-prof",
        "--no-concurrent-recompilation",
        driver,
        String(n),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("error", fail);
    p.on("close", (code) => {
      if (code !== 0) return fail(new Error(`valgrind exited ${code}: ${err.slice(-500)}`));
      const pid = /==(\d+)==/.exec(err)?.[1];
      renameSync(`/tmp/perf-${pid}.map`, `${out}.map`);
      ok(out);
    });
  });
}

/** Instructions by function: JIT code by the perf map's names, native code by callgrind's. */
function costs(base) {
  const ranges = readFileSync(`${base}.map`, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [a, size, ...name] = line.split(" ");
      const label = name
        .join(" ")
        .replace(/^JS:[*^~]/, "JS:")
        .replace(/file:\/\/\S*\/dist\//, "");
      return {
        start: Number.parseInt(a, 16),
        end: Number.parseInt(a, 16) + Number.parseInt(size, 16),
        label,
      };
    })
    .sort((x, y) => x.start - y.start);
  const find = (addr) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].start <= addr) lo = mid + 1;
      else hi = mid - 1;
    }
    const r = ranges[hi];
    return r && addr < r.end ? r.label : null;
  };
  const total = new Map();
  let fn = "";
  let inclusive = false; // the cost line after calls= is the callee's, already counted there
  for (const line of readFileSync(`${base}.cg`, "utf8").split("\n")) {
    if (line.startsWith("fn=")) fn = line.slice(3);
    else if (line.startsWith("calls=")) inclusive = true;
    else if (line.startsWith("0x")) {
      if (inclusive) {
        inclusive = false;
        continue;
      }
      const [addr, , cost] = line.split(" ");
      const key = find(Number.parseInt(addr, 16)) ?? fn;
      total.set(key, (total.get(key) ?? 0) + Number(cost));
    }
  }
  return total;
}

const [a, b] = await Promise.all([run(short), run(long)]);
const ca = costs(a);
const cb = costs(b);
const per = long - short;
const rows = [...new Set([...ca.keys(), ...cb.keys()])]
  .map((k) => [k, ((cb.get(k) ?? 0) - (ca.get(k) ?? 0)) / per])
  .sort((x, y) => y[1] - x[1]);
const sum = rows.reduce((s, [, v]) => s + v, 0);
console.log(`instructions per request: ${sum.toFixed(0)} (callgrind, ${long} minus ${short} arrivals)`);
for (const [k, v] of rows.slice(0, 25)) console.log(`${v.toFixed(0).padStart(7)}  ${k.slice(0, 110)}`);
