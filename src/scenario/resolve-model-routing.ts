/**
 * scheduler.model_routing: checks each entry against the fleet (the model exists, each target is
 * a pool or a pool kind that serves the model, targets do not overlap, shares sum to 1) and names
 * the pools of each target.
 */
import type { ProblemList } from "./problems.js";
import type { ModelRegistry } from "./resolve-models.js";
import type { RawScenario } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type { HardwareProfile, ModelRouting, PoolSpec } from "./types.js";

/** How far the shares' sum may be from 1. */
export const SHARE_SUM_TOLERANCE = 1e-9;

const KINDS = new Set(["gpu", "maia", "cobalt"]);

interface Ctx {
  problems: ProblemList;
  models: ModelRegistry;
  pools: PoolSpec[];
  profiles: HardwareProfile[];
}

export function resolveModelRouting(
  raw: RawScenario["scheduler"]["model_routing"],
  ctx: Ctx,
): ModelRouting[] {
  const { problems } = ctx;
  const kindOf = new Map(ctx.profiles.map((p) => [p.id, p.kind]));
  const seen = new Map<string, number>();
  const out: ModelRouting[] = [];
  raw.forEach((e, i) => {
    const path = ["scheduler", "model_routing", i];
    if (!ctx.models.has(e.model)) {
      problems.add([...path, "model"], `model ${e.model} is served by no pool of this scenario`);
      return;
    }
    const first = seen.get(e.model);
    if (first !== undefined) {
      problems.add(
        [...path, "model"],
        `model ${e.model} already has a routing entry (model_routing ${first})`,
      );
      return;
    }
    seen.set(e.model, i);
    const serving = ctx.pools.filter((p) => p.serves.some((s) => s.model === e.model));
    const taken = new Map<string, string>();
    /** The pools of target `key` (a pool id or a kind), or null after reporting a problem at `at`. */
    const target = (at: Array<string | number>, key: string): string[] | null => {
      let pools: string[];
      if (KINDS.has(key)) {
        pools = serving.filter((p) => kindOf.get(p.profile) === key).map((p) => p.id);
        if (pools.length === 0) {
          problems.add(at, `no ${key} pool serves model ${e.model}`);
          return null;
        }
      } else {
        const pool = ctx.pools.find((p) => p.id === key);
        if (pool === undefined) {
          const names = new Set([...ctx.pools.map((p) => p.id), ...KINDS]);
          problems.add(at, `unknown pool or pool kind "${key}"${didYouMean(key, names)}`);
          return null;
        }
        if (!serving.includes(pool)) {
          problems.add(at, `pool ${key} does not serve model ${e.model}`);
          return null;
        }
        pools = [pool.id];
      }
      for (const p of pools) {
        const other = taken.get(p);
        if (other !== undefined) {
          problems.add(at, `pool ${p} is already named by "${other}": each pool may be in one target only`);
          return null;
        }
        taken.set(p, key);
      }
      return pools;
    };
    if (e.shares !== undefined && e.by_prompt_length !== undefined) {
      problems.add(path, "give shares or by_prompt_length, not both");
      return;
    }
    if (e.shares !== undefined) {
      const keys = Object.keys(e.shares);
      if (keys.length === 0) {
        problems.add([...path, "shares"], "give a share for at least one pool or pool kind");
        return;
      }
      const sum = keys.reduce((a, k) => a + e.shares![k], 0);
      if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) {
        problems.add([...path, "shares"], `shares must sum to 1, got ${sum}`);
        return;
      }
      const targets = keys.map((k) => target([...path, "shares", k], k));
      if (targets.some((t) => t === null)) return;
      out.push({
        model: e.model,
        kind: "shares",
        targets: targets as string[][],
        shares: keys.map((k) => e.shares![k]),
      });
    } else if (e.by_prompt_length !== undefined) {
      const b = e.by_prompt_length;
      const at = [...path, "by_prompt_length"];
      const short = target([...at, "short"], b.short);
      const long = target([...at, "long"], b.long);
      if (short === null || long === null) return;
      out.push({ model: e.model, kind: "length", targets: [short, long], threshold: b.threshold });
    } else {
      problems.add(path, "give shares or by_prompt_length");
    }
  });
  return out;
}
