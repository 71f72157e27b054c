/**
 * `--shard I/N`: this process runs shard I (0-based) of N. Run i belongs to shard i mod N
 * (round robin, so the variants' different costs spread evenly over the shards). `auto/N` takes
 * I from JOB_COMPLETION_INDEX (a Kubernetes indexed Job) or, failing that, SLURM_ARRAY_TASK_ID
 * (a Slurm job array submitted with --array=0-(N-1)).
 */
import { InputError } from "../errors.js";

export const SHARD_FLAG = "--shard";
export const SHARD_ENV = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] as const;

export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

function fail(message: string): never {
  throw new InputError({ file: SHARD_FLAG, message });
}

export function parseShard(text: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard {
  if (text === undefined) return WHOLE;
  const m = /^\s*(\d+|auto)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) fail(`expected I/N (shard I of N, I from 0) or auto/N, got ${JSON.stringify(text)}`);
  const count = Number(m[2]);
  if (count < 1) fail(`the shard count must be at least 1, got ${count}`);
  if (m[1] !== "auto") {
    const index = Number(m[1]);
    if (index >= count) fail(`the shard index must be from 0 to ${count - 1}, got ${index}`);
    return { index, count };
  }
  const name = SHARD_ENV.find((n) => (env[n] ?? "").trim() !== "");
  if (name === undefined) {
    fail(
      `auto needs JOB_COMPLETION_INDEX (Kubernetes indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) in the environment; neither is set`,
    );
  }
  const raw = (env[name] ?? "").trim();
  if (!/^\d+$/.test(raw))
    fail(`${name} must be a whole number from 0 to ${count - 1}, got ${JSON.stringify(raw)}`);
  const index = Number(raw);
  if (index >= count) {
    fail(
      `${name}=${index} is out of range for ${count} shards (must be 0 to ${count - 1}; a Slurm array needs --array=0-${count - 1})`,
    );
  }
  return { index, count };
}

export function inShard(run: number, shard: Shard): boolean {
  return run % shard.count === shard.index;
}
