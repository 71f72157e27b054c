/** `fleetsim sweep`: the grid of --vary variants times seeds on worker threads; files written atomically. */
import { sweepFiles, sweepScenario } from "../../api/sweep.js";
import { InputError } from "../../errors.js";
import { writeDirAtomically } from "../../output/atomic-dir.js";
import type { CsvDialect } from "../../output/csv.js";
import { ANNOUNCE_EVENTS, millions } from "../../run/preflight.js";
import { scenarioInputs } from "../../scenario/inputs.js";
import { interrupt } from "../interrupt.js";
import { commandLine, prepareOutputFolder } from "../output-folder.js";

export interface SweepArgs {
  scenario: string;
  vary: string[];
  seeds: number;
  workers?: number;
  shard?: string;
  out: string;
  set?: string[];
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  quiet?: boolean;
  force?: boolean;
  xlsx?: boolean;
  csvDialect?: CsvDialect;
}

export async function sweepCommand(a: SweepArgs): Promise<void> {
  if (a.shard !== undefined && (a.csvDialect ?? "rfc4180") !== "rfc4180") {
    throw new InputError({
      file: "--csv-dialect",
      message: "a shard's summary.csv is read back by fleetsim merge: give --csv-dialect to merge instead",
    });
  }
  const progress = !a.quiet && process.stderr.isTTY;
  const started = Date.now();
  const r = await sweepScenario(a.scenario, {
    vary: a.vary,
    seeds: a.seeds,
    workers: a.workers,
    shard: a.shard,
    set: a.set,
    horizon: a.horizon,
    fidelity: a.fidelity,
    force: a.force,
    onEstimate: (e) => {
      if (!a.quiet && e.events > ANNOUNCE_EVENTS) {
        process.stderr.write(
          `estimated ${millions(e.requests)} requests, ${millions(e.events)} events in all\n`,
        );
      }
    },
    shouldStop: () => interrupt.requested,
    beforeRuns: async (base) => {
      await prepareOutputFolder(a.out, a.out, { inputs: scenarioInputs(base) });
    },
    onDone: progress ? (done, total) => process.stderr.write(`\rrun ${done}/${total} done\x1b[K`) : undefined,
  });
  if (progress) process.stderr.write("\r\x1b[K");
  const files = await sweepFiles(r.manifest, r.summary, { dialect: a.csvDialect, xlsx: a.xlsx });
  await writeDirAtomically(a.out, files, { kind: "sweep", command: commandLine() });
  const m = r.manifest;
  const variants = m.runs / m.seeds;
  const part = m.shard.count > 1 ? ` (shard ${m.shard.index}/${m.shard.count}: ${r.runs} of them)` : "";
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `sweep ${m.scenario}: ${variants} variants x ${m.seeds} seeds = ${m.runs} runs${part} in ${secs} s\n` +
      `outputs: ${a.out} (${[...files.keys()].join(", ")})\n`,
  );
}
