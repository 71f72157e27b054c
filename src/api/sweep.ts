/** The library's sweep entry points: a grid of variants times seeds, a merge of shards, and their files. */
export type { MergeResult } from "../sweep/merge.js";
export { mergeShards as mergeSweepShards } from "../sweep/merge.js";
export type { SweepOptions, SweepResult } from "../sweep/run-sweep.js";
export { runSweep as sweepScenario, sweepFolderFiles as sweepFiles } from "../sweep/run-sweep.js";
