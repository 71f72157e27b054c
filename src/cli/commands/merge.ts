/** `fleetsim merge`: the shard folders of one sweep joined into the files the unsharded sweep writes. */
import { writeDirAtomically } from "../../output/atomic-dir.js";
import { mergeShards } from "../../sweep/merge.js";
import { commandLine, prepareOutputFolder } from "../output-folder.js";

export interface MergeArgs {
  dirs: string[];
  out: string;
}

export async function mergeCommand(a: MergeArgs): Promise<void> {
  await prepareOutputFolder(a.out, a.out, { inputFolders: a.dirs });
  const r = await mergeShards(a.dirs);
  await writeDirAtomically(a.out, r.files, { kind: "merge", command: commandLine() });
  process.stdout.write(
    `merged ${a.dirs.length} folders: ${r.manifest.runs} runs of sweep ${r.manifest.scenario}\n` +
      `outputs: ${a.out} (summary.csv, sweep.csv, sweep.json)\n`,
  );
}
