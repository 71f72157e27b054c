/** `fleetsim compare A B`: both scenarios over the same seeds, each headline figure's mean, CI and difference. */
import { comparisonCsv, comparisonText, runsCsv } from "../../compare/comparison-table.js";
import { runComparison } from "../../compare/run-comparison.js";
import { type FileContent, writeDirAtomically } from "../../output/atomic-dir.js";
import { type CsvDialect, type NamedTable, toCsv } from "../../output/csv.js";
import { safeFolderName } from "../../output/out-folder.js";
import { tablesWorkbook, WORKBOOK_FILE } from "../../output/workbook.js";
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
  const c = await runComparison(args.a, args.b, {
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
  const tables: NamedTable[] = [
    { name: "compare", table: comparisonCsv(c) },
    { name: "runs", table: runsCsv(c) },
  ];
  const files = new Map<string, FileContent>(
    tables.map((t) => [`${t.name}.csv`, toCsv(t.table, { dialect: args.csvDialect })]),
  );
  if (args.xlsx) files.set(WORKBOOK_FILE, await tablesWorkbook(tables));
  await writeDirAtomically(out, files, { kind: "compare", command: commandLine() });
  process.stdout.write(comparisonText(c, out));
}
