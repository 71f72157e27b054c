/** The synthetic measurement the calibration tests fit back: known figures, a load that steps up. */
import { writeFileSync } from "node:fs";
import { deriveStream } from "../../src/engine/random.js";
import type { ModelSpec } from "../../src/scenario/types.js";
import { model } from "../fleet/helpers.js";

/** The figures the measurements are made with (the defaults are 0.5, 0.7 and 2 ms). */
export const TRUE = { computeEfficiency: 0.38, memoryEfficiency: 0.62, stepOverheadMs: 3.4 };

/** Llama 3.1 8B served in FP8, weights and KV cache (the command's --fp8), as Red Hat's MLPerf v5.1 run. */
export function llama8Fp8(): ModelSpec {
  const m8 = model("llama-3.1-8b");
  return { ...m8, bytesPerParam: 1, kvBytesPerToken: m8.kvBytesPerToken / 2 };
}

/** 600 requests whose Poisson load steps from 3 to 12 to 36 per second; prompts 50-3,049, outputs 10-309 tokens. */
export function steppedLoad(seedName: string) {
  const rng = deriveStream(7, seedName);
  let t = 0;
  const n = 600;
  return Array.from({ length: n }, (_, i) => {
    t += -Math.log(1 - rng.next()) / (3 * (i < n / 3 ? 1 : i < (2 * n) / 3 ? 4 : 12));
    return {
      arrivalS: t,
      promptTokens: 50 + Math.floor(rng.next() * 3000),
      outputTokens: 10 + Math.floor(rng.next() * 300),
    };
  });
}

/** Writes requests with their TTFT and end-to-end seconds as the documented measurement CSV. */
export function writeMeasuredCsv(
  file: string,
  reqs: ReadonlyArray<{ arrivalS: number; promptTokens: number; outputTokens: number }>,
  ttftS: ArrayLike<number>,
  e2eS: ArrayLike<number>,
): void {
  const lines = ["arrival_s,prompt_tokens,output_tokens,ttft_s,e2e_s"];
  reqs.forEach((q, i) => {
    lines.push([q.arrivalS, q.promptTokens, q.outputTokens, ttftS[i], e2eS[i]].join(","));
  });
  writeFileSync(file, `${lines.join("\n")}\n`);
}
