/**
 * `fleetsim calibrate` against a server configured as Red Hat ran vLLM for MLPerf v5.1's Server
 * scenario (FP8 weights, a BF16 KV cache, a 1,024-token budget, 512 sequences,
 * --long-prefill-token-threshold 256), here also short of KV memory and swapping: given the
 * server's flags the fit recovers the figures that made the measurement; without them it cannot.
 * Every serving flag is checked by the scenario's rules: a bad one is an input error naming it
 * (exit 2, nothing written).
 */
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { servingWith } from "../../src/calibrate/fit.js";
import { replayStepReplica } from "../../src/calibrate/replay.js";
import {
  type CalibrateArgs,
  checkServerHolds,
  readMeasurements,
  servingOptionsOf,
} from "../../src/cli/commands/calibrate.js";
import { InputError } from "../../src/errors.js";
import { BYTES_PER_MEMORY_GB } from "../../src/fleet/memory.js";
import type { ServingOptions } from "../../src/fleet/step-setup.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { loadProfiles } from "../../src/scenario/profiles.js";
import { profile } from "../fleet/helpers.js";
import { cli } from "../support/cli.js";
import { llama8Fp8, steppedLoad, TRUE, writeMeasuredCsv } from "./measurement.js";

const SERVER: ServingOptions = {
  maxNumBatchedTokens: 1024,
  maxNumSeqs: 512,
  longPrefillTokenThreshold: 256,
  kvBytesPerValue: 2,
  gpuMemoryUtilization: 0.2,
  preemption: "swap",
  swapSpaceBytes: 2 * BYTES_PER_MEMORY_GB,
};
const FLAGS = [
  "--fp8",
  "--kv-cache-dtype",
  "auto",
  "--max-num-batched-tokens",
  "1024",
  "--max-num-seqs",
  "512",
  "--long-prefill-token-threshold",
  "256",
  "--gpu-memory-utilization",
  "0.2",
  "--preemption",
  "swap",
  "--swap-space",
  "2",
];
const BASE = ["--profile", "nd-h100-v5", "--model", "llama-3.1-8b"];

let dir: string;
let csv: string;
let swaps = 0;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "calibrate-server-")));
  const reqs = steppedLoad("calibration-server");
  const fp8 = llama8Fp8();
  const out = replayStepReplica(reqs, servingWith(profile("nd-h100-v5"), fp8, TRUE, SERVER));
  swaps = out.swaps.reduce((a, b) => a + b, 0);
  csv = join(dir, "server.csv");
  writeMeasuredCsv(
    csv,
    reqs,
    reqs.map((q, i) => out.firstTokenS[i]! - q.arrivalS),
    reqs.map((q, i) => out.finishS[i]! - q.arrivalS),
  );
});

const within = (x: number, truth: number) => Math.abs(x / truth - 1);

describe("fleetsim calibrate with the server's scheduling flags", () => {
  it("the measurement really exercises them: prompts of up to 3,050 tokens cut at 256, KV swapped", () => {
    expect(swaps).toBeGreaterThan(50);
  });

  it("recovers the figures when told how the server was configured", () => {
    const out = join(dir, "fitted.yaml");
    const r = cli(["calibrate", csv, ...BASE, ...FLAGS, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const [fitted] = loadProfiles([out]);
    // the contract of the plain fit (test/calibrate/cli.test.ts): 2 %, 2 %, 5 %
    expect(within(fitted!.efficiency.compute, TRUE.computeEfficiency)).toBeLessThan(0.02);
    expect(within(fitted!.efficiency.memory, TRUE.memoryEfficiency)).toBeLessThan(0.02);
    expect(within(fitted!.stepOverheadMs!, TRUE.stepOverheadMs)).toBeLessThan(0.05);
  });

  it("without the threshold, swap and KV dtype flags the same data fits worse and the figures drift", () => {
    const told = cli(["calibrate", csv, ...BASE, ...FLAGS]);
    const plain = cli([
      "calibrate",
      csv,
      ...BASE,
      "--fp8",
      "--max-num-batched-tokens",
      "1024",
      "--max-num-seqs",
      "512",
      "--gpu-memory-utilization",
      "0.2",
      "--out",
      join(dir, "plain.yaml"),
    ]);
    expect(plain.status, plain.stderr).toBe(0);
    const e2eAfter = (s: string) => Number(/after .*\n\s+error: .*end-to-end ([\d.]+) %/.exec(s)![1]);
    expect(e2eAfter(told.stdout)).toBeLessThan(1);
    expect(e2eAfter(plain.stdout)).toBeGreaterThan(2 * e2eAfter(told.stdout));
    const [p] = loadProfiles([join(dir, "plain.yaml")]);
    const worst = Math.max(
      within(p!.efficiency.compute, TRUE.computeEfficiency),
      within(p!.efficiency.memory, TRUE.memoryEfficiency),
      within(p!.stepOverheadMs!, TRUE.stepOverheadMs),
    );
    expect(worst).toBeGreaterThan(0.05);
  });

  // the flag checks in-process (each a yargs-parsed value), then the command's exit and files
  const args = (over: Partial<CalibrateArgs>): CalibrateArgs => ({
    measurements: csv,
    profile: "nd-h100-v5",
    model: "llama-3.1-8b",
    profiles: [],
    ...over,
  });
  it.each<[Partial<CalibrateArgs>, string, RegExp]>([
    [{ tensor: 0 }, "--tensor", /whole number from 1 to the profile's 8 accelerators per node, got 0/],
    [{ tensor: 16 }, "--tensor", /got 16/],
    [{ maxNumSeqs: -3 }, "--max-num-seqs", /got -3/],
    [
      { maxNumSeqs: 2048, maxNumBatchedTokens: 1024 },
      "--max-num-seqs",
      /must not exceed --max-num-batched-tokens/,
    ],
    [{ blockSize: 7.5 }, "--block-size", /got 7\.5/],
    [{ gpuMemoryUtilization: 1.5 }, "--gpu-memory-utilization", /got 1\.5/],
    [{ gpuMemoryUtilization: 0 }, "--gpu-memory-utilization", /got 0/],
    [{ longPrefillTokenThreshold: -1 }, "--long-prefill-token-threshold", /got -1/],
    [{ swapSpace: 2 }, "--swap-space", /only with --preemption swap/],
    [{ preemption: "swap", swapSpace: -1 }, "--swap-space", /got -1/],
  ])("refuses %j naming the flag", (over, flag, why) => {
    let err: unknown;
    try {
      servingOptionsOf(args(over), 8);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const [p] = (err as InputError).problems;
    expect(p!.file).toBe("command line");
    expect(p!.path).toBe(flag);
    expect(p!.message).toMatch(why);
  });

  it("the boundaries are accepted: --gpu-memory-utilization 1, --tensor 8, --long-prefill-token-threshold 0", () => {
    const o = servingOptionsOf(args({ gpuMemoryUtilization: 1, tensor: 8, longPrefillTokenThreshold: 0 }), 8);
    expect(o).toMatchObject({ gpuMemoryUtilization: 1, tensor: 8, longPrefillTokenThreshold: 0 });
  });

  it.each([
    [["--tensor", "0", "--gpu-memory-utilization", "1.5"], /--tensor: .*\n.*--gpu-memory-utilization: /],
    [["--preemption", "evict"], /preemption.*Choices: "recompute", "swap"/],
    [["--kv-cache-dtype", "int4"], /kv-cache-dtype.*Choices: "auto", "fp8"/],
  ])("the command refuses %j: exit 2, every bad flag named, no stack trace, nothing written", (bad, why) => {
    const out = join(dir, "never.yaml");
    const r = cli(["calibrate", csv, ...BASE, ...bad, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("a server that could not have held the longest measured request is refused: exactly at its KV blocks it is accepted", () => {
    const h100 = profile("nd-h100-v5");
    const m = llama8Fp8();
    const opts = { gpuMemoryUtilization: 0.2 };
    const { kvBlocks, blockSize } = servingSetup(h100, m, opts);
    const request = (tokens: number) => [
      { arrivalS: 0, promptTokens: tokens - 10, outputTokens: 10, ttftS: 1, e2eS: 2 },
    ];
    expect(() => checkServerHolds(h100, m, opts, request(kvBlocks * blockSize))).not.toThrow();
    expect(() => checkServerHolds(h100, m, opts, request(kvBlocks * blockSize + 1))).toThrow(
      /leaves \d+ KV blocks of 16 tokens .* needs \d+\. Give the server's --tensor/,
    );
  });

  it("the command refuses a model whose weights the server's devices cannot hold (exit 2, nothing written)", () => {
    const out = join(dir, "never.yaml");
    const r = cli([
      "calibrate",
      csv,
      "--profile",
      "nd-h100-v5",
      "--model",
      "llama-3.1-405b",
      "--tensor",
      "1",
      "--out",
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/llama-3\.1-405b on nd-h100-v5 \(1 accelerator, .*\) leaves 0 KV blocks/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /); // it stalled with an internal error before
    expect(existsSync(out)).toBe(false);
  });

  it("times stay within 100 years (3,153,600,000 s): at the bound accepted, beyond it named by line and column", () => {
    const file = join(dir, "times.csv");
    const rows = (arrival: string, e2e: string) =>
      `arrival_s,prompt_tokens,output_tokens,ttft_s,e2e_s\n0,100,10,0.1,0.5\n1,100,10,0.1,0.5\n${arrival},100,10,0.1,${e2e}\n`;
    writeFileSync(file, rows("3153600000", "3153600000"));
    expect(readMeasurements(file).requests).toHaveLength(3);
    writeFileSync(file, rows("1e308", "3153600001"));
    expect(() => readMeasurements(file)).toThrow(
      /times\.csv:4 arrival_s: must be a number >= 0 and at most 100 years \(seconds\), got "1e308"\n.*times\.csv:4 e2e_s: must be a number > 0 and at most 100 years/,
    );
  });
});
