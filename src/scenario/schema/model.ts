/** Model entries: in a scenario's `models:` (fields optional, the catalog fills them) and in the catalog. */
import { z } from "zod";
import { fraction, id, inRange, LIMITS, positive, positiveCount, text, usdPerMtok } from "./fields.js";

const modelFields = {
  owner: text("The lab that owns the model (tenant-independent), e.g. openai"),
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
  owner_revenue_share: fraction(
    "Fraction (0..1) of token revenue paid on to the model owner (a cost of revenue). Default 0",
  ),
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
  price: z
    .strictObject({
      input_usd_per_mtok: usdPerMtok("Price of prompt tokens"),
      output_usd_per_mtok: usdPerMtok("Price of generated tokens"),
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

function partial<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  const out: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = v.optional();
  return out as { [K in keyof T]: z.ZodOptional<T[K]> };
}
