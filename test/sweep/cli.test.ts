/**
 * `fleetsim sweep` and `fleetsim merge` as a user meets them: from source (tsx, whose worker
 * threads load TypeScript) and, when dist/ is built (CI builds it before the tests), from the
 * compiled JavaScript with its own worker file; exit 2 and nothing written on bad input.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";
import { distIsCurrent } from "../support/dist.js";
import { repoRoot } from "../support/run-scenario.js";

const MMC = "scenarios/validation/mmc-rho-0.5.yaml";
const RATE = "tenants.poisson-tenant.workloads.0.arrival.rate_per_s";
const SWEEP = ["sweep", MMC, "--horizon", "10m", "--vary", `${RATE}=2,4`, "--seeds", "2", "--quiet"];
const FILES = ["fleetsim.json", "summary.csv", "sweep.csv", "sweep.json"];
const tmp = () => mkdtempSync(join(tmpdir(), "fleetsim-sweep-cli-"));
const read = (dir: string, name: string) => readFileSync(join(dir, name), "utf8");

function shardFromEnv(index: number, out: string) {
  return spawnSync(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", ...SWEEP, "--workers", "1", "--shard", "auto/2", "--out", out],
    { cwd: repoRoot, encoding: "utf8", env: { ...process.env, JOB_COMPLETION_INDEX: String(index) } },
  );
}

describe("fleetsim sweep and merge", () => {
  it("sweeps on worker threads, shards by JOB_COMPLETION_INDEX, and merges into the same files", () => {
    const dir = tmp();
    const whole = join(dir, "whole");
    const r = cli([...SWEEP, "--workers", "2", "--out", whole]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sweep mmc-rho-0\.5: 2 variants x 2 seeds = 4 runs in/);
    expect(readdirSync(whole).sort()).toEqual(FILES);
    for (const i of [0, 1]) {
      const s = shardFromEnv(i, join(dir, `shard-${i}`));
      expect(s.stderr).toBe("");
      expect(s.stdout).toContain(`(shard ${i}/2: 2 of them)`);
    }
    const m = cli(["merge", join(dir, "shard-0"), join(dir, "shard-1"), "--out", join(dir, "merged")]);
    expect(m.stderr).toBe("");
    expect(m.status).toBe(0);
    // The same files, but the manifest records which command wrote the folder.
    for (const name of FILES.filter((f) => f !== "fleetsim.json")) {
      expect(read(join(dir, "merged"), name)).toBe(read(whole, name));
    }
  });

  it("exits 2 on a bad --vary path, with the problem on one line, and writes nothing", () => {
    const out = join(tmp(), "res");
    const r = cli([...SWEEP, "--vary", "tenants.nobody.workloads.0.arrival.rate_per_s=1,2", "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--vary tenants: no item with index or id "nobody" \(variant 0: /);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a variant estimated above 500 M events per run (exit 2, the variant and its estimate), before any run", () => {
    const out = join(tmp(), "res");
    const r = cli([
      "sweep",
      "scenarios/multi-model-2025.yaml",
      "--vary",
      "horizon=1h,1y",
      "--seeds",
      "2",
      "--workers",
      "1",
      "--out",
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^--vary: variant 1 \(horizon=1y\) is estimated at \d+\.\d M events per run \([\d.]+ M requests\), above the limit of 500\.0 M events; .* or pass --force\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 on --shard auto without the environment variables, and writes nothing", () => {
    const out = join(tmp(), "res");
    const env = { ...process.env };
    delete env.JOB_COMPLETION_INDEX;
    delete env.SLURM_ARRAY_TASK_ID;
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...SWEEP, "--shard", "auto/2", "--out", out],
      { cwd: repoRoot, encoding: "utf8", env },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--shard: auto needs JOB_COMPLETION_INDEX/);
    expect(existsSync(out)).toBe(false);
  });

  it("merge exits 2 on a folder that is not a sweep's, and writes nothing", () => {
    const out = join(tmp(), "merged");
    const r = cli(["merge", tmp(), "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/sweep\.json: no such file/);
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!distIsCurrent("sweep/run-worker.js"))(
    "from dist/, its worker threads write the same files as from source",
    () => {
      const dir = tmp();
      const fromSource = cli([...SWEEP, "--workers", "1", "--out", join(dir, "src")]);
      expect(fromSource.status).toBe(0);
      const fromDist = spawnSync(
        process.execPath,
        [join(repoRoot, "dist", "cli", "main.js"), ...SWEEP, "--workers", "2", "--out", join(dir, "dist")],
        { cwd: repoRoot, encoding: "utf8" },
      );
      expect(fromDist.stderr).toBe("");
      expect(fromDist.status).toBe(0);
      // The manifests' commands differ; the build ids too when dist/ is older than src/.
      const sameBuild = (text: string) => text.replace(/"build": "[^"]*"/, '"build": ""');
      for (const name of FILES.filter((f) => f !== "fleetsim.json")) {
        expect(sameBuild(read(join(dir, "dist"), name))).toBe(sameBuild(read(join(dir, "src"), name)));
      }
    },
  );
});
