/** Shipped profiles and catalog (loaded once through the scenario loader) and hand-built fixtures. */
import {
  loadCatalog,
  loadProfiles,
  shippedCatalogFile,
  shippedProfileDir,
} from "../../src/scenario/profiles.js";
import type { HardwareProfile, ModelSpec } from "../../src/scenario/types.js";

export const shippedProfiles: HardwareProfile[] = loadProfiles([shippedProfileDir()]);
export const shippedModels: ModelSpec[] = loadCatalog(shippedCatalogFile());

export function profile(id: string): HardwareProfile {
  const p = shippedProfiles.find((x) => x.id === id);
  if (!p) throw new Error(`no shipped profile ${id}`);
  return p;
}

export function model(id: string): ModelSpec {
  const m = shippedModels.find((x) => x.id === id);
  if (!m) throw new Error(`no catalog model ${id}`);
  return m;
}

/** A round-number profile for hand computations. */
export function toyProfile(over: Partial<HardwareProfile> = {}): HardwareProfile {
  return {
    id: "toy",
    kind: "gpu",
    accelerator: "Toy-100GB",
    acceleratorsPerNode: 8,
    memoryGbPerAccelerator: 100,
    memoryBandwidthTbPerS: 2,
    peakTflops: 500,
    peakTflopsBf16: over.peakTflops ?? 500,
    efficiency: { compute: 0.5, memory: 0.8 },
    powerW: { idle: 1000, peak: 5000 },
    capexUsd: 100000,
    opexUsdPerHour: 1,
    priceUsdPerHour: 36,
    sources: ["hand-made"],
    performance: [],
    file: "",
    ...over,
  };
}

/** A round-number model: 10 B params in 2 bytes (20 GB), 100,000 KV bytes per token, 2 accelerators. */
export function toyModel(over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: "toy-10b",
    owner: "lab",
    paramsB: 10,
    activeParamsB: 10,
    bytesPerParam: 2,
    kvBytesPerToken: 100_000,
    acceleratorsPerReplica: 2,
    price: { inputUsdPerMtok: 1, outputUsdPerMtok: 2 },
    ownerRevenueShare: 0,
    ...over,
  };
}
