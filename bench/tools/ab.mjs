#!/usr/bin/env node
/**
 * A/B of builds by the gate's own figure, in separate processes taken in turn: each process warms
 * up, runs 3 rounds of 1 M arrivals of the reference and the engine, and reports its best ratio
 * (what `npm run bench -- --check` does). Which calls V8 inlines is decided once per process, from
 * the feedback at the time, so one process is one draw: compare the medians over several.
 *
 *   node --import tsx bench/tools/ab.mjs [--fixed-order] N DIR_A DIR_B [DIR_C ...]
 *
 * --fixed-order runs the children with --no-concurrent-recompilation: compilation then happens
 * in the same order every time, which halves the spread (and shows the code V8 makes with the
 * feedback complete). Each DIR is a built copy (see build-engine.mjs).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hotLoop } from "../hot-loop.ts";
import { median } from "../processes.ts";
import { buildEngine } from "./build-engine.mjs";

const self = fileURLToPath(import.meta.url);

/** One process's figure: the gate's procedure (bench/hot-loop.ts, 3 rounds of 1 M) on the build in `dir`. */
async function child(dir) {
  const hot = await hotLoop(await buildEngine(dir), 1_000_000, 3);
  console.log(hot.ratio.toFixed(3));
}

if (process.argv[2] === "--child") {
  await child(resolve(process.argv[3]));
} else {
  const args = process.argv.slice(2);
  const fixed = args[0] === "--fixed-order";
  if (fixed) args.shift();
  const n = Number(args[0]);
  const dirs = args.slice(1).map((d) => resolve(d));
  if (!(n > 0) || dirs.length < 2) {
    console.error("usage: node --import tsx bench/tools/ab.mjs [--fixed-order] N DIR_A DIR_B [...]");
    process.exit(2);
  }
  const flags = [...(fixed ? ["--no-concurrent-recompilation"] : []), "--import", "tsx"];
  const ratios = dirs.map(() => []);
  for (let i = 0; i < n; i++) {
    dirs.forEach((dir, k) => {
      const r = spawnSync(process.execPath, [...flags, self, "--child", dir], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`run of ${dir} failed: ${r.stderr}`);
      ratios[k].push(Number(r.stdout.trim()));
    });
  }
  dirs.forEach((dir, k) => {
    const sorted = [...ratios[k]].sort((a, b) => a - b);
    console.log(`${dir}: median ${median(sorted).toFixed(3)} (${sorted.map((x) => x.toFixed(3)).join(" ")})`);
  });
}
