/**
 * The scenario's models: each `models:` entry merged over its catalog entry, plus every catalog
 * model referenced somewhere without being listed. References to unknown models are reported.
 */

import { toArchitecture } from "./architecture.js";
import type { ProblemList } from "./problems.js";
import type { RawScenarioModel } from "./schema/model.js";
import { didYouMean } from "./suggest.js";
import type { ModelSpec } from "./types.js";
import type { FieldPath } from "./yaml-source.js";

const REQUIRED = [
  "owner",
  "params_b",
  "bytes_per_param",
  "kv_bytes_per_token",
  "accelerators_per_replica",
] as const;

export class ModelRegistry {
  private readonly used = new Map<string, ModelSpec>();

  constructor(
    raw: RawScenarioModel[],
    private readonly catalog: Map<string, ModelSpec>,
    private readonly problems: ProblemList,
    private readonly catalogFile: string,
  ) {
    raw.forEach((m, i) => {
      if (this.used.has(m.id)) return; // reported by the duplicate-id check
      const spec = this.declare(m, ["models", i]);
      if (spec) this.used.set(m.id, spec);
    });
  }

  /** Notes a reference to a model id; false (and a problem reported) when the id is unknown. */
  ref(path: FieldPath, id: string): boolean {
    if (this.used.has(id)) return true;
    const fromCatalog = this.catalog.get(id);
    if (fromCatalog) {
      this.used.set(id, fromCatalog);
      return true;
    }
    const known = [...this.used.keys(), ...this.catalog.keys()];
    this.problems.add(
      path,
      `unknown model "${id}": not in models: nor in the catalog${didYouMean(id, known)}`,
    );
    return false;
  }

  has(id: string): boolean {
    return this.used.has(id);
  }

  /** Declared models first (in order), then the catalog models referenced, in order of first use. */
  list(): ModelSpec[] {
    return [...this.used.values()];
  }

  private declare(m: RawScenarioModel, path: FieldPath): ModelSpec | undefined {
    const base = this.catalog.get(m.id);
    if (!base) {
      const missing: string[] = REQUIRED.filter((k) => m[k] === undefined);
      if (m.price?.input_usd_per_mtok === undefined) missing.push("price.input_usd_per_mtok");
      if (m.price?.output_usd_per_mtok === undefined) missing.push("price.output_usd_per_mtok");
      if (missing.length > 0) {
        this.problems.add(
          path,
          `model "${m.id}" is not in the catalog (${this.catalogFile}), so it must give ${missing.join(", ")}`,
        );
        return undefined;
      }
    }
    const input = m.price?.input_usd_per_mtok ?? base!.price.inputUsdPerMtok;
    const cached = m.price?.cached_input_usd_per_mtok ?? base?.price.cachedInputUsdPerMtok;
    if (cached !== undefined && cached > input) {
      this.problems.add(
        [...path, "price", "cached_input_usd_per_mtok"],
        `must be <= the input price (${input}), got ${cached}${m.price?.cached_input_usd_per_mtok === undefined ? " (from the catalog: give one for this input price)" : ""}`,
      );
    }
    const paramsB = m.params_b ?? base!.paramsB;
    const activeParamsB = m.active_params_b ?? base?.activeParamsB ?? paramsB;
    if (activeParamsB > paramsB) {
      this.problems.add(
        [...path, "active_params_b"],
        `must be <= params_b (${paramsB}), got ${activeParamsB}`,
      );
    }
    return {
      id: m.id,
      owner: m.owner ?? base!.owner,
      paramsB,
      activeParamsB,
      bytesPerParam: m.bytes_per_param ?? base!.bytesPerParam,
      kvBytesPerToken: m.kv_bytes_per_token ?? base!.kvBytesPerToken,
      acceleratorsPerReplica: m.accelerators_per_replica ?? base!.acceleratorsPerReplica,
      price: {
        inputUsdPerMtok: input,
        outputUsdPerMtok: m.price?.output_usd_per_mtok ?? base!.price.outputUsdPerMtok,
        ...cachedPrice(cached),
      },
      ownerRevenueShare: m.owner_revenue_share ?? base?.ownerRevenueShare ?? 0,
      ...contextOf(m.context_tokens ?? base?.contextTokens),
      ...architectureOf(m, base),
    };
  }
}

/** The model's architecture: the scenario's, else the catalog's, else none. */
function architectureOf(m: RawScenarioModel, base: ModelSpec | undefined): Pick<ModelSpec, "architecture"> {
  if (m.architecture) return { architecture: toArchitecture(m.architecture) };
  return base?.architecture ? { architecture: base.architecture } : {};
}

/** The context length field, only when the scenario or the catalog gives one. */
function contextOf(tokens: number | undefined): Pick<ModelSpec, "contextTokens"> {
  return tokens === undefined ? {} : { contextTokens: tokens };
}

/** The cached-input price field, only when one is given. */
function cachedPrice(usd: number | undefined): { cachedInputUsdPerMtok?: number } {
  return usd === undefined ? {} : { cachedInputUsdPerMtok: usd };
}
