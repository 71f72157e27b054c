/**
 * The step model against MLPerf v5.1 Llama-3.1-8B Offline on 8 x H200 with TensorRT-LLM, two
 * submitters on the same hardware with different engine settings (docs/service-model.md "MLPerf
 * checks", the 8B on H200). Nothing fitted: the profile's documented defaults, the submissions'
 * own settings, the 8B check's workload (CNN/DailyMail, estimated mean prompt 960, 128 outputs).
 *
 *   npx tsx bench/validation/mlperf-8b-h200.ts     (a few seconds)
 *
 * mlcommons/inference_results_v5.1, closed/<submitter>/configs/<system>/Offline/llama3_1-8b.py
 * and results/<system>_TRT/llama3.1-8b/Offline/performance/run_1/mlperf_log_summary.txt:
 * - HPE_Cray_XD670_H200_SXM_141GBx8: FP8 weights and KV cache, 8 engines of one GPU, batch
 *   2,048, max_num_tokens 12,000, chunked context, 32-token blocks; 66,036.8 tokens/s,
 *   samples_per_query 759,000.
 * - Quanta_Cloud_Technology D74U-7U_H200-SXM-141GBx8: the same but max_num_tokens 1,536;
 *   56,917.3 tokens/s, samples_per_query 330,000.
 * (Cisco's C885_H200x8_TRT gives 58,304.3 with no config in the repository.)
 */

import { model, profile } from "../../test/fleet/helpers.js";
import { CNN_DAILYMAIL, type MlperfCase, offlineTokensPerS } from "../../test/serving/mlperf-harness.js";

const m = model("llama-3.1-8b");
const llama8Fp8 = { ...m, bytesPerParam: 1, kvBytesPerToken: m.kvBytesPerToken / m.bytesPerParam };

const SUBMISSIONS: Array<[name: string, maxNumTokens: number, samplesPerQuery: number, published: number]> = [
  ["HPE XD670", 12000, 759000, 66036.8],
  ["Quanta D74U-7U", 1536, 330000, 56917.3],
];

for (const [name, maxNumTokens, samplesPerQuery, published] of SUBMISSIONS) {
  const offline = { tensor: 1, maxNumSeqs: 2048, maxNumBatchedTokens: maxNumTokens, blockSize: 32 };
  const c: MlperfCase = {
    name,
    profile: profile("nd-h200-v5"),
    model: llama8Fp8,
    replicas: 8,
    offlineSamplesPerReplica: samplesPerQuery / 8,
    offline,
    server: offline,
    serverDurationS: 600,
    shape: CNN_DAILYMAIL,
    published: { offline: published, server: 0 },
    limits: { ttftP99S: 2, tpotP99S: 0.1 },
  };
  const t0 = Date.now();
  const tokensPerS = offlineTokensPerS(c, c.offlineSamplesPerReplica);
  const err = ((tokensPerS - published) / published) * 100;
  console.log(
    `Llama-3.1-8B 8 x H200 TensorRT-LLM Offline, ${name} (max_num_tokens ${maxNumTokens}): ` +
      `${tokensPerS.toFixed(0)} vs ${published} tokens/s (${err >= 0 ? "+" : ""}${err.toFixed(1)} %) ` +
      `[${((Date.now() - t0) / 1000).toFixed(1)} s]`,
  );
}
