/** `fleetsim sweep`: the grid of --vary variants times seeds on worker threads; files written atomically. */
import { writeDirAtomically } from "../../output/atomic-dir.js";
import { ANNOUNCE_EVENTS, millions } from "../../run/preflight.js";
import { scenarioInputs } from "../../scenario/inputs.js";
import { runSweep } from "../../sweep/run-sweep.js";
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
}

export async function sweepCommand(a: SweepArgs): Promise<void> {
  const progress = !a.quiet && process.stderr.isTTY;
  const started = Date.now();
  const r = await runSweep(a.scenario, {
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
  await writeDirAtomically(a.out, r.files, { kind: "sweep", command: commandLine() });
  const m = r.manifest;
  const variants = m.runs / m.seeds;
  const part = m.shard.count > 1 ? ` (shard ${m.shard.index}/${m.shard.count}: ${r.runs} of them)` : "";
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `sweep ${m.scenario}: ${variants} variants x ${m.seeds} seeds = ${m.runs} runs${part} in ${secs} s\n` +
      `outputs: ${a.out} (summary.csv, sweep.csv, sweep.json)\n`,
  );
}
