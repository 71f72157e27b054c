/** `fleetsim merge`: the shard folders of one sweep joined into the files the unsharded sweep writes. */

import { mergeSweepShards, sweepFiles } from "../../api/sweep.js";
import { writeDirAtomically } from "../../output/atomic-dir.js";
import type { CsvDialect } from "../../output/csv.js";
import { commandLine, prepareOutputFolder } from "../output-folder.js";

export interface MergeArgs {
  dirs: string[];
  out: string;
  xlsx?: boolean;
  csvDialect?: CsvDialect;
}

export async function mergeCommand(a: MergeArgs): Promise<void> {
  await prepareOutputFolder(a.out, a.out, { inputFolders: a.dirs });
  const r = await mergeSweepShards(a.dirs);
  const files = await sweepFiles(r.manifest, r.summary, { dialect: a.csvDialect, xlsx: a.xlsx });
  await writeDirAtomically(a.out, files, { kind: "merge", command: commandLine() });
  process.stdout.write(
    `merged ${a.dirs.length} folders: ${r.manifest.runs} runs of sweep ${r.manifest.scenario}\n` +
      `outputs: ${a.out} (${[...files.keys()].join(", ")})\n`,
  );
}
