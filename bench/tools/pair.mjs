#!/usr/bin/env node
/**
 * Paired A/B of the M/M/64 hot loop: two builds of fleetsim loaded into one process and run in
 * alternating rounds, so both see the same machine noise (timings here move by 10-30 % within
 * minutes; a difference between two separate processes is mostly that noise).
 *
 *   node --import tsx bench/tools/pair.mjs DIR_A DIR_B [arrivals=1000000] [rounds=8]
 *
 * Each DIR holds a built copy (see build-engine.mjs). Prints the minimum and median engine seconds of each, B/A, and each one's
 * ratio to the reference heap loop (bench/reference-heap.ts, run in the same rounds).
 */
import { resolve } from "node:path";
import { LAMBDA } from "../hot-loop.ts";
import { referenceMmc } from "../reference-heap.ts";
import { buildEngine } from "./build-engine.mjs";

const [dirA, dirB] = [process.argv[2], process.argv[3]].map((d) => resolve(d ?? ""));
if (!process.argv[3]) {
  console.error("usage: node --import tsx bench/tools/pair.mjs DIR_A DIR_B [arrivals] [rounds]");
  process.exit(2);
}
const arrivals = Number(process.argv[4] ?? 1_000_000);
const rounds = Number(process.argv[5] ?? 8);

/** Engine seconds of a run by the build in `dir`. */
async function engine(dir) {
  const run = await buildEngine(dir);
  return async (n, seed) => (await run(n, seed)).seconds;
}

function reference(n, seed) {
  return referenceMmc(64, LAMBDA, 1, n, seed).seconds;
}

const runA = await engine(dirA);
const runB = await engine(dirB);
reference(300_000, 99);
await runA(300_000, 99);
await runB(300_000, 99);
const a = [];
const b = [];
const ref = [];
for (let i = 0; i < rounds; i++) {
  ref.push(reference(arrivals, 1));
  // Alternate which goes first, so neither always follows the reference.
  if (i % 2 === 0) {
    a.push(await runA(arrivals, 1));
    b.push(await runB(arrivals, 1));
  } else {
    b.push(await runB(arrivals, 1));
    a.push(await runA(arrivals, 1));
  }
}
const min = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const f = (x) => x.toFixed(3);
console.log(`A min ${f(min(a))} s, median ${f(median(a))} s; ratio to reference ${f(min(ref) / min(a))}`);
console.log(`B min ${f(min(b))} s, median ${f(median(b))} s; ratio to reference ${f(min(ref) / min(b))}`);
console.log(`B/A: min ${f(min(b) / min(a))}, median ${f(median(b) / median(a))}`);
