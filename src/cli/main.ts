#!/usr/bin/env node
/**
 * The fleetsim command line. Exit codes: 0 done; 2 the input is wrong (nothing written);
 * 1 internal error; 130 interrupted. Input errors print one line each, never a stack trace.
 */
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { InputError, RunAborted } from "../errors.js";
import { buildInfo } from "../output/build.js";
import { programVersion } from "../output/version.js";
import { interrupt } from "./interrupt.js";
import { commandLineMessage, knownOptions } from "./suggest.js";
import { systemFailure } from "./system-failure.js";

// Each command's modules load only when it runs: `fleetsim run` does not pay for compiling the
// sweep, comparison or report code (start-up is a visible share of a short run).
const runCommand = async (a: import("./commands/run.js").RunArgs) =>
  (await import("./commands/run.js")).runCommand(a);
const compareCommand = async (a: Parameters<typeof import("./commands/compare.js").compareCommand>[0]) =>
  (await import("./commands/compare.js")).compareCommand(a);
const sweepCommand = async (a: Parameters<typeof import("./commands/sweep.js").sweepCommand>[0]) =>
  (await import("./commands/sweep.js")).sweepCommand(a);
const planCommand = async (a: import("./commands/plan.js").PlanArgs) =>
  (await import("./commands/plan.js")).planCommand(a);
const mergeCommand = async (a: Parameters<typeof import("./commands/merge.js").mergeCommand>[0]) =>
  (await import("./commands/merge.js")).mergeCommand(a);
const validateCommand = async (files: string[]) =>
  (await import("./commands/validate.js")).validateCommand(files);
const profilesCommand = async (id: string | undefined, dirs: string[]) =>
  (await import("./commands/profiles-command.js")).profilesCommand(id, dirs);
const calibrateCommand = async (a: import("./commands/calibrate.js").CalibrateArgs) =>
  (await import("./commands/calibrate.js")).calibrateCommand(a);
const reportCommand = async (dir: string) => (await import("./commands/report.js")).reportCommand(dir);
const schemaCommand = async () => (await import("./commands/schema.js")).schemaCommand();

const EXIT_INPUT = 2;
const EXIT_INTERNAL = 1;
/** 128 + the signal's number, as shells report a process ended by it. */
const EXIT_ON_SIGNAL = { SIGINT: 130, SIGTERM: 143 } as const;
/** How long a run may take to stop by itself between slices before the process ends it. */
const STOP_WITHIN_MS = 500;

let exitOnSignal: number = EXIT_ON_SIGNAL.SIGINT;

function interrupted(): never {
  process.stderr.write("interrupted: nothing was written\n");
  process.exit(exitOnSignal);
}

// Ctrl-C (SIGINT) and SIGTERM (kill, scancel, a Kubernetes eviction) ask the run to stop between
// slices, which lets it clean up; a phase that does not reach a slice boundary in time (reading a
// large trace, writing) is ended by the timer. Whatever an ended write leaves beside the output
// folder is mended by the next command that names it. A second signal ends the process at once.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupt.requested) interrupted();
    interrupt.request();
    exitOnSignal = EXIT_ON_SIGNAL[signal];
    setTimeout(interrupted, STOP_WITHIN_MS).unref();
  });
}
// A reader that goes away (`fleetsim run ... | head`) is not an error of ours.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
});

function fail(e: unknown): never {
  if (e instanceof InputError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(EXIT_INPUT);
  }
  if (e instanceof RunAborted) interrupted();
  const system = systemFailure(e);
  if (system !== null) {
    process.stderr.write(`${system}\n`);
    process.exit(EXIT_INPUT);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`internal error: ${err.message}\n`);
  if (process.env.FLEETSIM_DEBUG) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write("(set FLEETSIM_DEBUG=1 for the stack trace, and please report it)\n");
  process.exit(EXIT_INTERNAL);
}

/** The output-format options of every command that writes CSV tables (run, compare, sweep, merge). */
function tableFormatOptions<T>(y: Argv<T>) {
  return y
    .option("xlsx", {
      type: "boolean",
      default: false,
      describe: "also write results.xlsx: one sheet per CSV table, numbers and UTC dates as typed cells",
    })
    .option("csv-dialect", {
      choices: ["rfc4180", "semicolon-comma"] as const,
      default: "rfc4180" as const,
      describe:
        "semicolon-comma: ';' between fields and ',' as the decimal mark, for spreadsheets in locales with a decimal comma (de, fr, ...)",
    });
}

/** `fleetsim --version`: the package version, and the build (a hash of the code) that merge compares. */
function versionText(): string {
  const b = buildInfo();
  return `fleetsim ${programVersion()} (build ${b.build}${b.commit ? `, commit ${b.commit.slice(0, 12)}` : ""})`;
}

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName("fleetsim")
    .usage("$0 <command> [options]")
    .command(
      "run <scenario>",
      "run one simulation and write its output files",
      (y) =>
        tableFormatOptions(y)
          .positional("scenario", { type: "string", demandOption: true, describe: "scenario YAML file" })
          .option("out", { type: "string", describe: "output folder (default results/<name>)" })
          .option("seed", { type: "number", describe: "override the scenario's seed" })
          .option("set", { type: "string", array: true, describe: "PATH=VALUE override, repeatable" })
          .option("horizon", { type: "string", describe: "override the horizon (e.g. 6h, 7d)" })
          .option("fidelity", {
            choices: ["request", "fluid", "hybrid"] as const,
            describe: "override the scenario's fidelity: each request, fluid flows, or both",
          })
          .option("quiet", { type: "boolean", default: false, describe: "no progress bar" })
          .option("json", { type: "boolean", default: false, describe: "print the summary as JSON" })
          .option("excel", { type: "boolean", default: false, describe: "add a UTF-8 BOM to CSV files" })
          .option("requests", {
            type: "boolean",
            default: false,
            describe:
              "also write requests.csv: one row per completed or rejected request, streamed (request fidelity)",
          })
          .option("requests-sample", {
            type: "number",
            describe:
              "write only this seeded fraction of the requests to requests.csv (0 < P <= 1; implies --requests)",
          })
          .option("workers", {
            type: "number",
            describe:
              "threads for a fleet of independent parts (default: CPUs, for runs above 2 M events); same results for any number",
          })
          .option("force", {
            type: "boolean",
            default: false,
            describe: "run even when the pre-flight estimate exceeds the event limit",
          }),
      (a) =>
        runCommand({
          ...a,
          scenario: a.scenario as string,
          requestsSample: a["requests-sample"],
          csvDialect: a["csv-dialect"],
        }),
    )
    .command(
      "compare <a> <b>",
      "run two scenarios over the same seeds; each headline figure's mean, 95 % CI and difference",
      (y) =>
        tableFormatOptions(y)
          .positional("a", { type: "string", demandOption: true, describe: "scenario A (the baseline)" })
          .positional("b", { type: "string", demandOption: true, describe: "scenario B" })
          .option("seeds", { type: "number", default: 5, describe: "runs per scenario, seeds 1..N" })
          .option("out", { type: "string", describe: "output folder (default results/compare-<A>-vs-<B>)" })
          .option("set", {
            type: "string",
            array: true,
            describe: "PATH=VALUE override for both, repeatable",
          })
          .option("set-a", { type: "string", array: true, describe: "PATH=VALUE override for A only" })
          .option("set-b", { type: "string", array: true, describe: "PATH=VALUE override for B only" })
          .option("horizon", { type: "string", describe: "override both horizons (e.g. 6h)" })
          .option("fidelity", {
            choices: ["request", "fluid", "hybrid"] as const,
            describe: "override the fidelity of both",
          })
          .option("quiet", { type: "boolean", default: false, describe: "no progress line" })
          .option("force", {
            type: "boolean",
            default: false,
            describe: "run scenarios estimated above 500 M events per run",
          }),
      (a) =>
        compareCommand({
          ...a,
          a: a.a as string,
          b: a.b as string,
          setA: a["set-a"],
          setB: a["set-b"],
          csvDialect: a["csv-dialect"],
        }),
    )
    .command(
      "sweep <scenario>",
      "run the grid of --vary variants times seeds on worker threads; summary.csv and sweep.csv (mean, 95 % CI)",
      (y) =>
        tableFormatOptions(y)
          .positional("scenario", { type: "string", demandOption: true, describe: "scenario YAML file" })
          .option("vary", {
            type: "string",
            array: true,
            demandOption: true,
            describe: "PATH=V1,V2,… values of one axis, repeatable (the grid is their product)",
          })
          .option("seeds", { type: "number", default: 5, describe: "runs per variant, seeds 1..N" })
          .option("workers", {
            type: "number",
            describe: "threads, the main one included (default: CPUs; 1 = no worker threads)",
          })
          .option("shard", {
            type: "string",
            describe: "I/N: run shard I of N (run i in shard i mod N); auto/N",
          })
          .option("out", { type: "string", demandOption: true, describe: "output folder" })
          .option("set", { type: "string", array: true, describe: "PATH=VALUE override for every run" })
          .option("horizon", { type: "string", describe: "override the horizon of every run (e.g. 6h)" })
          .option("fidelity", {
            choices: ["request", "fluid", "hybrid"] as const,
            describe: "override the fidelity of every run",
          })
          .option("quiet", { type: "boolean", default: false, describe: "no progress line" })
          .option("force", {
            type: "boolean",
            default: false,
            describe: "run variants estimated above 500 M events per run",
          }),
      (a) => sweepCommand({ ...a, scenario: a.scenario as string, csvDialect: a["csv-dialect"] }),
    )
    .command(
      "plan <scenario>",
      "the cheapest fleet meeting every target of the scenario's plan: section; plan.csv, plan.yaml",
      (y) =>
        y
          .positional("scenario", {
            type: "string",
            demandOption: true,
            describe: "scenario YAML file with a plan: section",
          })
          .option("out", { type: "string", describe: "output folder (default: results/<name>-plan)" })
          .option("seeds", {
            type: "number",
            describe: "seeds of each confirmation (default: plan.seeds, 3)",
          })
          .option("workers", {
            type: "number",
            describe: "threads running a fleet's confirmation seeds side by side (default: one per CPU)",
          })
          .option("set", { type: "string", array: true, describe: "PATH=VALUE override" })
          .option("horizon", { type: "string", describe: "override the horizon (e.g. 6h)" })
          .option("fidelity", {
            choices: ["request", "fluid", "hybrid"] as const,
            describe: "of the confirmation runs: request only",
          })
          .option("quiet", { type: "boolean", default: false, describe: "no progress bar" }),
      (a) => planCommand({ ...a, scenario: a.scenario as string }),
    )
    .command(
      "merge <dirs..>",
      "join the shard folders of one sweep into the files the unsharded sweep writes",
      (y) =>
        tableFormatOptions(y)
          .positional("dirs", { type: "string", array: true, demandOption: true, describe: "shard folders" })
          .option("out", { type: "string", demandOption: true, describe: "output folder" }),
      (a) =>
        mergeCommand({ dirs: a.dirs as string[], out: a.out, xlsx: a.xlsx, csvDialect: a["csv-dialect"] }),
    )
    .command(
      "validate <scenarios..>",
      "load and check scenario files; run nothing",
      (y) =>
        y.positional("scenarios", {
          type: "string",
          array: true,
          demandOption: true,
          describe: "scenario YAML files, each checked on its own",
        }),
      (a) => validateCommand(a.scenarios as string[]),
    )
    .command(
      "profiles [id]",
      "list the hardware profiles, or show one with its derived per-model performance",
      (y) =>
        y
          .positional("id", {
            type: "string",
            describe: "a profile id: show it with its per-model performance",
          })
          .option("profiles", { type: "string", array: true, describe: "extra profile folders or files" }),
      (a) => profilesCommand(a.id, a.profiles ?? []),
    )
    .command(
      "calibrate <measurements>",
      "fit a profile's compute and memory efficiencies and per-step overhead to one server's measured requests",
      (y) =>
        y
          .positional("measurements", {
            type: "string",
            demandOption: true,
            describe:
              "one server's requests: a CSV of arrival_s, prompt_tokens, output_tokens, ttft_s, e2e_s, or the JSON of vllm bench serve --save-result --save-detailed",
          })
          .option("profile", {
            type: "string",
            demandOption: true,
            describe: "the hardware profile id the server ran on",
          })
          .option("model", { type: "string", demandOption: true, describe: "the catalog model it served" })
          .option("profiles", { type: "string", array: true, describe: "extra profile folders or files" })
          .option("tensor", {
            type: "number",
            describe: "tensor-parallel degree (default: the model's accelerators per replica)",
          })
          .option("max-num-batched-tokens", {
            type: "number",
            describe:
              "the server's token budget per step (default: vLLM's for the profile, 8192 on H100-class GPUs, 2048 on A100 and smaller)",
          })
          .option("max-num-seqs", {
            type: "number",
            describe:
              "the server's cap on running requests (default: vLLM's for the profile, 1024 on H100-class GPUs, 256 on A100 and smaller)",
          })
          .option("block-size", { type: "number", describe: "KV block size in tokens (default 16)" })
          .option("gpu-memory-utilization", {
            type: "number",
            describe: "share of memory the server used (default 0.9)",
          })
          .option("fp8", {
            type: "boolean",
            describe:
              "the server ran the model in FP8, weights and KV cache (vLLM --quantization fp8 --kv-cache-dtype fp8)",
          })
          .option("kv-cache-dtype", {
            choices: ["auto", "fp8"] as const,
            describe:
              "the server's --kv-cache-dtype: auto (the model's activation dtype, BF16) or fp8; overrides --fp8's KV cache (default: as --fp8 says)",
          })
          .option("long-prefill-token-threshold", {
            type: "number",
            describe:
              "the server's --long-prefill-token-threshold: most prompt tokens a request computes per step (default 0: none)",
          })
          .option("preemption", {
            choices: ["recompute", "swap"] as const,
            describe:
              "what a request preempted for lack of KV blocks loses: recompute (vLLM's default) or swap",
          })
          .option("swap-space", {
            type: "number",
            describe:
              "with --preemption swap: host memory per accelerator for swapped-out KV blocks, GiB (vLLM's --swap-space; default 4)",
          })
          .option("id", {
            type: "string",
            describe: "id of the fitted profile (default: PROFILE-calibrated)",
          })
          .option("out", {
            type: "string",
            describe: "write the fitted profile to this new file (never replaces one)",
          })
          .option("seed", {
            type: "number",
            describe: "seed of the arrivals drawn for a vLLM benchmark JSON without start_times (default 1)",
          }),
      (a) =>
        calibrateCommand({
          measurements: a.measurements as string,
          profile: a.profile,
          model: a.model,
          profiles: a.profiles ?? [],
          tensor: a.tensor,
          maxNumBatchedTokens: a["max-num-batched-tokens"],
          maxNumSeqs: a["max-num-seqs"],
          blockSize: a["block-size"],
          gpuMemoryUtilization: a["gpu-memory-utilization"],
          fp8: a.fp8,
          kvCacheDtype: a["kv-cache-dtype"],
          longPrefillTokenThreshold: a["long-prefill-token-threshold"],
          preemption: a.preemption,
          swapSpace: a["swap-space"],
          id: a.id,
          out: a.out,
          seed: a.seed,
        }),
    )
    .command(
      "report <dir>",
      "write DIR/report.html: one self-contained page with the charts of an output folder",
      (y) =>
        y.positional("dir", {
          type: "string",
          demandOption: true,
          describe: "output folder of fleetsim run, sweep, merge or compare",
        }),
      (a) => reportCommand(a.dir as string),
    )
    .command("schema", "print the JSON Schema of scenario files", {}, () => schemaCommand())
    .demandCommand(
      1,
      "name a command: run, validate, compare, sweep, plan, merge, calibrate, report, profiles or schema",
    )
    .strict()
    .help()
    .version("version", "print the version and build, and exit", versionText())
    .fail((msg, err, y) => {
      if (err) throw err;
      throw new InputError({ file: "command line", message: commandLineMessage(msg, argv, knownOptions(y)) });
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch(fail);
