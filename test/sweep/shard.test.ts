/** --shard I/N and auto/N: parsing, the environment variables, and the assignment of runs. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inShard, parseShard } from "../../src/sweep/shard.js";
import { inputErrorMessage } from "../support/input-error.js";

describe("--shard", () => {
  it("is the whole sweep when absent, and I of N when given", () => {
    expect(parseShard(undefined, {})).toEqual({ index: 0, count: 1 });
    expect(parseShard("2/5", {})).toEqual({ index: 2, count: 5 });
    expect(parseShard(" 0 / 1 ", {})).toEqual({ index: 0, count: 1 });
  });

  it("refuses malformed or out-of-range shards", () => {
    expect(inputErrorMessage(() => parseShard("5/5", {}))).toBe(
      "--shard: the shard index must be from 0 to 4, got 5",
    );
    expect(inputErrorMessage(() => parseShard("0/0", {}))).toMatch(/at least 1/);
    expect(inputErrorMessage(() => parseShard("1", {}))).toMatch(/expected I\/N/);
    expect(inputErrorMessage(() => parseShard("-1/2", {}))).toMatch(/expected I\/N/);
  });

  it("auto reads JOB_COMPLETION_INDEX, else SLURM_ARRAY_TASK_ID", () => {
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "3" })).toEqual({ index: 3, count: 4 });
    expect(parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "1" })).toEqual({ index: 1, count: 4 });
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "2", SLURM_ARRAY_TASK_ID: "1" })).toEqual({
      index: 2,
      count: 4,
    });
    // An empty variable counts as absent.
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "", SLURM_ARRAY_TASK_ID: "0" })).toEqual({
      index: 0,
      count: 4,
    });
  });

  it("auto says clearly when the variables are absent, malformed or out of range", () => {
    expect(inputErrorMessage(() => parseShard("auto/4", {}))).toMatch(
      /^--shard: auto needs JOB_COMPLETION_INDEX .* or SLURM_ARRAY_TASK_ID .*neither is set$/,
    );
    expect(inputErrorMessage(() => parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "4" }))).toBe(
      "--shard: SLURM_ARRAY_TASK_ID=4 is out of range for 4 shards (must be 0 to 3; a Slurm array needs --array=0-3)",
    );
    expect(inputErrorMessage(() => parseShard("auto/4", { JOB_COMPLETION_INDEX: "x" }))).toMatch(
      /JOB_COMPLETION_INDEX must be a whole number from 0 to 3, got "x"/,
    );
  });

  it("puts every run in exactly one shard, round robin, sizes within one of each other", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 12 }), (runs, count) => {
        const sizes = new Array(count).fill(0);
        for (let r = 0; r < runs; r++) {
          const owners = sizes.flatMap((_, index) => (inShard(r, { index, count }) ? [index] : []));
          expect(owners).toHaveLength(1);
          sizes[owners[0]]++;
        }
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
