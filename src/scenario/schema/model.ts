/** Model entries: in a scenario's `models:` (fields optional, the catalog fills them) and in the catalog. */
import { z } from "zod";
import { fraction, id, inRange, LIMITS, name, positive, positiveCount, usdPerMtok } from "./fields.js";

/** A model's public architecture, as its Hugging Face config.json names it (src/fleet/architecture.ts). */
export const architectureSchema = z
  .strictObject({
    layers: positiveCount("num_hidden_layers", LIMITS.architectureSize),
    hidden_size: positiveCount("hidden_size", LIMITS.architectureSize),
    attention_heads: positiveCount("num_attention_heads", LIMITS.architectureSize),
    kv_heads: positiveCount(
      "num_key_value_heads (GQA); = attention_heads without GQA",
      LIMITS.architectureSize,
    ),
    head_dim: positiveCount(
      "head_dim. Default: hidden_size / attention_heads",
      LIMITS.architectureSize,
    ).optional(),
    intermediate_size: positiveCount(
      "intermediate_size: the MLP's inner width (MoE: per expert)",
      LIMITS.architectureSize,
    ),
    vocab_size: positiveCount("vocab_size", LIMITS.architectureSize),
    tied_embeddings: z.boolean().default(false).describe("tie_word_embeddings. Default false"),
    qkv_bias: z.boolean().default(false).describe("Q/K/V projections carry a bias (Qwen2). Default false"),
    experts: positiveCount("num_local_experts (MoE). Default 1 (dense)", LIMITS.architectureSize).default(1),
    experts_active: positiveCount(
      "num_experts_per_tok (MoE). Default 1 (dense)",
      LIMITS.architectureSize,
    ).default(1),
  })
  .refine((a) => a.experts_active <= a.experts, {
    message: "experts_active must be <= experts",
    path: ["experts_active"],
  })
  .describe(
    "Public architecture; the step model derives weights read, FLOPs and KV bytes from it. Not yet used by the production replica",
  );

const modelFields = {
  owner: name("The lab that owns the model (tenant-independent), e.g. openai"),
  params_b: positive("Total parameters, billions (sets the memory footprint of the weights)", LIMITS.paramsB),
  active_params_b: positive(
    "Parameters used per token, billions (MoE: less than params_b). Default: params_b",
    LIMITS.paramsB,
  ),
  bytes_per_param: inRange("Bytes per weight: 2 = bf16, 1 = fp8/int8, 0.5 = 4-bit", ...LIMITS.bytesPerParam),
  kv_bytes_per_token: inRange("KV-cache bytes per token of context, all layers", 0, LIMITS.kvBytesPerToken),
  accelerators_per_replica: positiveCount(
    "Accelerators one replica spans (tensor/pipeline parallel degree)",
    LIMITS.acceleratorsPerReplica,
  ),
  context_tokens: positiveCount(
    "Longest sequence the model serves, prompt + generated tokens (vLLM's max_model_len: the config's max_position_embeddings, or the provider's context window). A longer request is not served by this model: it goes down its fallback chain, else it is rejected. Default: no limit",
    LIMITS.tokens,
  ),
  owner_revenue_share: fraction(
    "Fraction (0..1) of token revenue paid on to the model owner (a cost of revenue). Default 0",
  ),
  architecture: architectureSchema,
};

const priceDescription = "List price to end customers";

export const scenarioModelSchema = z
  .strictObject({
    id: id("Model id; an id found in the model catalog takes the catalog's figures"),
    ...partial(modelFields),
    price: z
      .strictObject({
        input_usd_per_mtok: usdPerMtok("Price of prompt tokens").optional(),
        output_usd_per_mtok: usdPerMtok("Price of generated tokens").optional(),
        cached_input_usd_per_mtok: usdPerMtok(
          "Price of prompt tokens read from the prefix cache (providers discount them). Default: the input price",
        ).optional(),
      })
      .describe(`${priceDescription}; each field given overrides the catalog's`)
      .optional(),
  })
  .describe("A model. Only `id` is needed for a catalog model; every other field given overrides it");

const freeText = z.union([z.string(), z.array(z.string())]).describe("Free text, ignored by the simulator");

export const catalogModelSchema = z.strictObject({
  id: id("Model id"),
  ...modelFields,
  active_params_b: modelFields.active_params_b.optional(),
  owner_revenue_share: modelFields.owner_revenue_share.optional(),
  context_tokens: modelFields.context_tokens.optional(),
  architecture: modelFields.architecture.optional(),
  price: z
    .strictObject({
      input_usd_per_mtok: usdPerMtok("Price of prompt tokens"),
      output_usd_per_mtok: usdPerMtok("Price of generated tokens"),
      cached_input_usd_per_mtok: usdPerMtok(
        "Price of prompt tokens read from the prefix cache (providers discount them). Default: the input price",
      ).optional(),
    })
    .describe(priceDescription),
  notes: freeText.optional(),
  sources: freeText.optional(),
  assumption: freeText.optional(),
});

export const catalogSchema = z.strictObject({
  models: z.array(catalogModelSchema).describe("The catalog's models"),
  notes: freeText.optional(),
  sources: freeText.optional(),
});

export type RawScenarioModel = z.output<typeof scenarioModelSchema>;
export type RawCatalogModel = z.output<typeof catalogModelSchema>;
export type RawArchitecture = z.output<typeof architectureSchema>;

function partial<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  const out: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = v.optional();
  return out as { [K in keyof T]: z.ZodOptional<T[K]> };
}
