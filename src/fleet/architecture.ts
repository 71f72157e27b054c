/**
 * A model's public architecture (the fields of its Hugging Face config.json) and what follows from
 * it: parameter counts, weight bytes, the weights a forward pass actually reads, FLOPs per token
 * (matmuls plus attention that grows with context) and KV-cache bytes per token.
 *
 * Layout assumed: a Llama-style decoder (Llama 2/3, Mistral, Mixtral, Qwen2): per layer, Q/K/V/O
 * projections (Qwen2 adds Q/K/V biases), a gated MLP of three matrices (gate, up, down; per expert
 * for MoE, plus a router), two RMSNorm vectors; then a final norm, the token embedding and the LM
 * head (the same matrix when embeddings are tied).
 */

import type { ModelArchitecture } from "../scenario/types.js";

export type { ModelArchitecture };

/** Parameters of one layer's attention block (projections and biases). */
export function attentionParams(a: ModelArchitecture): number {
  const q = a.hiddenSize * a.attentionHeads * a.headDim;
  const kv = 2 * a.hiddenSize * a.kvHeads * a.headDim;
  const o = a.attentionHeads * a.headDim * a.hiddenSize;
  const bias = a.qkvBias ? (a.attentionHeads + 2 * a.kvHeads) * a.headDim : 0;
  return q + kv + o + bias;
}

/** Parameters of one expert's gated MLP (gate, up, down). A dense model has one expert. */
export function expertParams(a: ModelArchitecture): number {
  return 3 * a.hiddenSize * a.intermediateSize;
}

/** Router (gate) parameters of one MoE layer; 0 for a dense model. */
export function routerParams(a: ModelArchitecture): number {
  return a.experts > 1 ? a.hiddenSize * a.experts : 0;
}

/** Parameters of one layer, all experts. */
export function layerParams(a: ModelArchitecture): number {
  return attentionParams(a) + a.experts * expertParams(a) + routerParams(a) + 2 * a.hiddenSize;
}

/** Embedding matrix parameters (vocab x hidden). */
export function embeddingParams(a: ModelArchitecture): number {
  return a.vocabSize * a.hiddenSize;
}

/** LM head parameters stored separately (0 when tied to the embedding). */
export function lmHeadStoredParams(a: ModelArchitecture): number {
  return a.tiedEmbeddings ? 0 : a.vocabSize * a.hiddenSize;
}

/** Total parameters: what is stored (the published parameter count). */
export function totalParams(a: ModelArchitecture): number {
  return a.layers * layerParams(a) + embeddingParams(a) + lmHeadStoredParams(a) + a.hiddenSize;
}

/**
 * Parameters active for one token, counted as published (embedding and LM head included, the
 * experts not routed to excluded): Mixtral 8x7B's "12.9 B active".
 */
export function activeParams(a: ModelArchitecture): number {
  const perLayer =
    attentionParams(a) + a.expertsActive * expertParams(a) + routerParams(a) + 2 * a.hiddenSize;
  return a.layers * perLayer + embeddingParams(a) + lmHeadStoredParams(a) + a.hiddenSize;
}

/**
 * Matmul parameters one token goes through in the layers (the embedding is a lookup, not a matmul;
 * the LM head is counted apart since only sampled positions need logits).
 */
export function layerMatmulParamsPerToken(a: ModelArchitecture): number {
  return a.layers * (attentionParams(a) + a.expertsActive * expertParams(a) + routerParams(a));
}

/** LM head matmul parameters (vocab x hidden), whether tied or not. */
export function lmHeadParams(a: ModelArchitecture): number {
  return a.vocabSize * a.hiddenSize;
}

/**
 * Expected number of distinct experts one MoE layer touches for a batch of n tokens, under the
 * ASSUMPTION of uniform, independent routing: each token picks k of E experts, so an expert is
 * missed by all n tokens with probability (1 - k/E)^n. Dense: 1.
 */
export function expectedExpertsTouched(a: ModelArchitecture, tokens: number): number {
  if (a.experts <= 1) return 1;
  if (tokens <= 0) return 0;
  return a.experts * (1 - (1 - a.expertsActive / a.experts) ** tokens);
}

/**
 * Parameters a forward pass over `tokens` tokens reads from memory: every layer's attention and
 * router, the experts the batch touches, the norms, and the LM head once. The embedding table is
 * not read in full (a lookup reads one row per token, negligible), unless it is tied to the LM
 * head, where it is read as the head.
 */
export function paramsReadPerStep(a: ModelArchitecture, tokens: number): number {
  const experts = expectedExpertsTouched(a, tokens);
  const perLayer = attentionParams(a) + experts * expertParams(a) + routerParams(a) + 2 * a.hiddenSize;
  return a.layers * perLayer + lmHeadParams(a) + a.hiddenSize;
}

/**
 * Attention FLOPs of one token that attends to `context` tokens (itself included): QK^T and AV,
 * each 2 FLOPs per multiply-add over heads x head_dim x context, in every layer.
 */
export function attentionFlopsPerToken(a: ModelArchitecture, context: number): number {
  return 4 * a.layers * a.attentionHeads * a.headDim * context;
}

/** KV-cache bytes per token: K and V, every layer, every KV head. */
export function kvBytesPerToken(a: ModelArchitecture, bytesPerValue: number): number {
  return 2 * a.layers * a.kvHeads * a.headDim * bytesPerValue;
}
