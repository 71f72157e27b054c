/** `fleetsim compare A B`: both scenarios over the same seeds, each headline figure's mean, CI and difference. */
import { compareScenarios, comparisonFiles } from "../../api/compare.js";
import { comparisonText } from "../../compare/comparison-table.js";
import { writeDirAtomically } from "../../output/atomic-dir.js";
import type { CsvDialect } from "../../output/csv.js";
import { safeFolderName } from "../../output/out-folder.js";
import { scenarioInputs } from "../../scenario/inputs.js";
import { interrupt } from "../interrupt.js";
import { commandLine, prepareOutputFolder } from "../output-folder.js";

export interface CompareArgs {
  a: string;
  b: string;
  seeds: number;
  out?: string;
  set?: string[];
  setA?: string[];
  setB?: string[];
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  quiet?: boolean;
  force?: boolean;
  xlsx?: boolean;
  csvDialect?: CsvDialect;
}

export async function compareCommand(args: CompareArgs): Promise<void> {
  const progress = !args.quiet && process.stderr.isTTY;
  let out = "";
  const c = await compareScenarios(args.a, args.b, {
    seeds: args.seeds,
    set: args.set,
    setA: args.setA,
    setB: args.setB,
    horizon: args.horizon,
    fidelity: args.fidelity,
    force: args.force,
    shouldStop: () => interrupt.requested,
    beforeRuns: async (sa, sb) => {
      const fallback = `results/${safeFolderName(`compare-${sa.name}-vs-${sb.name}`)}`;
      out = await prepareOutputFolder(args.out, fallback, {
        inputs: [...scenarioInputs(sa), ...scenarioInputs(sb)],
      });
    },
    onRun: progress
      ? (r) =>
          process.stderr.write(
            `\rrun ${r.index + 1}/${r.total}: ${r.side} ${r.scenario} seed ${r.seed}\x1b[K`,
          )
      : undefined,
  });
  if (progress) process.stderr.write("\r\x1b[K");
  const files = await comparisonFiles(c, { dialect: args.csvDialect, xlsx: args.xlsx });
  await writeDirAtomically(out, files, { kind: "compare", command: commandLine() });
  process.stdout.write(comparisonText(c, out));
}
