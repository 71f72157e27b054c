/** A model entry's `architecture:` (raw, snake_case) converted to the resolved form. */

import type { RawArchitecture } from "./schema/model.js";
import type { ModelArchitecture } from "./types.js";

export function toArchitecture(raw: RawArchitecture): ModelArchitecture {
  return {
    layers: raw.layers,
    hiddenSize: raw.hidden_size,
    attentionHeads: raw.attention_heads,
    kvHeads: raw.kv_heads,
    headDim: raw.head_dim ?? raw.hidden_size / raw.attention_heads,
    intermediateSize: raw.intermediate_size,
    vocabSize: raw.vocab_size,
    tiedEmbeddings: raw.tied_embeddings,
    qkvBias: raw.qkv_bias,
    experts: raw.experts,
    expertsActive: raw.experts_active,
  };
}
