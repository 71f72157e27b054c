/**
 * Whole sweeps in-process on the small M/M/8 validation scenario (10 minutes of simulated time):
 * the rows are `fleetsim run`'s rows, the files do not depend on the number of workers, the
 * intervals are the textbook Student-t ones, and merged shards equal the unsharded sweep.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { writeDirAtomically } from "../../src/output/atomic-dir.js";
import { mergeShards } from "../../src/sweep/merge.js";
import { runSweep, type SweepOptions } from "../../src/sweep/run-sweep.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const MMC = scenarioPath("scenarios/validation/mmc-rho-0.5.yaml");
const RATE = "tenants.poisson-tenant.workloads.0.arrival.rate_per_s";
const OPTS: SweepOptions = { vary: [`${RATE}=2,4`], seeds: 3, horizon: "10m", workers: 1 };

const lines = (csv: string) => csv.split("\r\n").filter((l) => l !== "");
const cells = (line: string) => line.split(",");
const tmp = () => mkdtempSync(join(tmpdir(), "fleetsim-sweep-"));

async function shardDir(shard: string, extra: Partial<SweepOptions> = {}): Promise<string> {
  const dir = join(tmp(), "shard");
  const r = await runSweep(MMC, { ...OPTS, shard, ...extra });
  await writeDirAtomically(dir, r.files, { kind: "sweep", command: ["sweep"] });
  return dir;
}

async function mergeError(dirs: string[]): Promise<string> {
  try {
    await mergeShards(dirs);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).message;
  }
  throw new Error("expected the merge to be refused");
}

let whole: Map<string, string>;
beforeAll(async () => {
  whole = (await runSweep(MMC, OPTS)).files;
});

describe("a sweep", () => {
  it("writes one row per run in run order, each equal to `fleetsim run` with that --set and --seed", async () => {
    const summary = lines(whole.get("summary.csv")!);
    expect(summary[0]).toMatch(
      new RegExp(`^run,variant,${RATE.replaceAll(".", "\\.")},scenario,seed,horizon_s,`),
    );
    expect(summary).toHaveLength(1 + 6);
    for (const [i, line] of summary.slice(1).entries()) {
      expect(line.startsWith(`${i},${Math.floor(i / 3)},${i < 3 ? 2 : 4},mmc-rho-0.5,${(i % 3) + 1},`)).toBe(
        true,
      );
    }
    // Run 4 is variant 1 (rate 4), seed 2.
    const single = await runScenario("scenarios/validation/mmc-rho-0.5.yaml", {
      set: [`${RATE}=4`],
      seed: 2,
      horizon: "10m",
    });
    const runRow = lines(single.files().get("summary.csv")!)[1];
    expect(summary[5]).toBe(`4,1,4,${runRow}`);
    // The variants differ: twice the arrival rate gives about twice the requests.
    const requests = (line: string) => Number(cells(line)[7]);
    expect(requests(summary[4]) / requests(summary[1])).toBeGreaterThan(1.6);
  });

  it("writes the same bytes on 2 worker threads as in one thread", async () => {
    const threaded = await runSweep(MMC, { ...OPTS, workers: 2 });
    for (const name of ["summary.csv", "sweep.csv", "sweep.json"]) {
      expect(threaded.files.get(name)).toBe(whole.get(name));
    }
  });

  it("keeps run order on threads even when the first run finishes last", async () => {
    // Run 0 (16 arrivals/s, overloaded) takes many times longer than runs 1-3, so on 2 threads
    // the other thread finishes 1, 2 and 3 first: only ordering by run index gives the same file.
    const uneven: SweepOptions = { vary: [`${RATE}=16,0.5,0.25,0.125`], seeds: 1, horizon: "10m" };
    const inThread = await runSweep(MMC, { ...uneven, workers: 1 });
    const threaded = await runSweep(MMC, { ...uneven, workers: 2 });
    expect(threaded.files.get("summary.csv")).toBe(inThread.files.get("summary.csv"));
  });

  it("gives each variant the mean and Student-t 95 % interval of its rows", () => {
    const summary = lines(whole.get("summary.csv")!).map(cells);
    const sweep = lines(whole.get("sweep.csv")!).map(cells);
    const sCol = (name: string) => summary[0].indexOf(name);
    const wCol = (name: string) => sweep[0].indexOf(name);
    expect(sweep).toHaveLength(1 + 2);
    // t quantile 0.975 with 2 degrees of freedom, from tables (not from the code under test).
    const T975_2DF = 4.302652729911275;
    for (const figure of ["revenue_usd", "cost_usd", "margin_pct", "utilization", "slo_attainment"]) {
      for (const [v, row] of sweep.slice(1).entries()) {
        expect(row[wCol("variant")]).toBe(String(v));
        expect(row[wCol("n")]).toBe("3");
        const xs = summary.slice(1 + 3 * v, 4 + 3 * v).map((r) => Number(r[sCol(figure)]));
        const mean = (xs[0] + xs[1] + xs[2]) / 3;
        const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
        const half = (T975_2DF * sd) / Math.sqrt(3);
        // The file holds 6 decimals: equal to within half a unit of the last one written.
        expect(Math.abs(Number(row[wCol(`${figure}_mean`)]) - mean)).toBeLessThanOrEqual(5e-7);
        expect(Math.abs(Number(row[wCol(`${figure}_ci95_low`)]) - (mean - half))).toBeLessThanOrEqual(5e-7);
        expect(Math.abs(Number(row[wCol(`${figure}_ci95_high`)]) - (mean + half))).toBeLessThanOrEqual(5e-7);
      }
    }
  });
});

describe("merge", () => {
  let shards: string[];
  beforeAll(async () => {
    shards = [await shardDir("1/2"), await shardDir("0/2")];
  });

  it("of two shards (in any order) writes exactly the files of the unsharded sweep", async () => {
    const r0 = readFileSync(join(shards[1], "summary.csv"), "utf8");
    expect(
      lines(r0)
        .slice(1)
        .map((l) => cells(l)[0]),
    ).toEqual(["0", "2", "4"]);
    const merged = await mergeShards(shards);
    for (const name of ["summary.csv", "sweep.csv", "sweep.json"]) {
      expect(merged.files.get(name)).toBe(whole.get(name));
    }
  });

  it("refuses a missing shard, naming the missing runs", async () => {
    expect(await mergeError([shards[0]])).toBe(
      "command line: 3 of 6 runs are missing (0, 2, 4); the shards without them: 0/2",
    );
  });

  it("refuses a shard given twice", async () => {
    expect(await mergeError([shards[0], shards[1], shards[0]])).toMatch(
      /sweep\.json: shard 1\/2 is given twice/,
    );
  });

  it("refuses a shard of another sweep (other seeds, other values, other shard count)", async () => {
    const otherSeeds = await shardDir("0/2", { seeds: 2 });
    expect(await mergeError([shards[0], otherSeeds])).toMatch(/another sweep than .*: seeds is 2, not 3/);
    const otherValues = await shardDir("0/2", { vary: [`${RATE}=2,5`] });
    expect(await mergeError([shards[0], otherValues])).toMatch(/vary is .*"5".*, not/);
    const otherCount = await shardDir("0/3");
    expect(await mergeError([shards[0], otherCount])).toMatch(/it is a shard of 3, not of 2/);
  });

  it("refuses a shard written by another build", async () => {
    const other = await shardDir("0/2");
    const file = join(other, "sweep.json");
    const m = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...m, build: "0.0.1+000000000000" }));
    expect(await mergeError([shards[0], other])).toMatch(
      /sweep\.json: another sweep than .*: it was written by build 0\.0\.1\+000000000000, not \d/,
    );
  });

  it("refuses a shard whose numeric cells are not numbers, naming the line and the column", async () => {
    const edited = await shardDir("0/2");
    const file = join(edited, "summary.csv");
    const rows = readFileSync(file, "utf8").split("\r\n");
    const header = rows[0].split(",");
    const at = header.indexOf("revenue_usd");
    const row = rows[2].split(",");
    row[at] = "=HYPERLINK(1)";
    rows[2] = row.join(",");
    writeFileSync(file, rows.join("\r\n"));
    expect(await mergeError([shards[0], edited])).toMatch(
      /summary\.csv:3: run 2's revenue_usd is not a number, got "=HYPERLINK\(1\)"/,
    );
  });

  it("refuses a folder without sweep.json, and rows edited out of the grid", async () => {
    expect(await mergeError([tmp()])).toMatch(/sweep\.json: no such file/);
    const edited = await shardDir("0/2");
    const file = join(edited, "summary.csv");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/\r\n2,0,2,/, "\r\n2,0,4,"));
    expect(await mergeError([shards[0], edited])).toMatch(
      /summary\.csv:3: run 2's variant or vary values do not match/,
    );
    writeFileSync(file, text.replace(/\r\n2,0,/, "\r\n3,1,"));
    expect(await mergeError([shards[0], edited])).toMatch(
      /summary\.csv:3: run 3 does not belong to shard 0\/2/,
    );
  });
});
