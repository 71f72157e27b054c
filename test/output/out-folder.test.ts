/**
 * The output-folder rule (README, "Outputs"): fleetsim replaces only a folder that is missing,
 * empty, or its own (fleetsim.json listing everything in it). Every refusal exits 2 before the
 * run, names the folder and why, and leaves the user's files byte for byte as they were.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { safeFolderName } from "../../src/output/out-folder.js";
import { cli } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";
import { scenarioWorkspace } from "../support/workspace.js";

const MMC = scenarioPath("scenarios/validation/mmc-rho-0.5.yaml");
const SHORT = ["--horizon", "2m", "--quiet"];
const RATE = "tenants.poisson-tenant.workloads.0.arrival.rate_per_s";
const USER_FILE = "budget.xlsx";
const USER_BYTES = "analyst's own work\n\u0000\u00ff bytes that must survive";

/** A folder like an analyst's: the scenario, a spreadsheet, a subfolder with a file. */
function workspace(): string {
  const dir = scenarioWorkspace("fleetsim-out-");
  writeFileSync(join(dir, USER_FILE), USER_BYTES);
  mkdirSync(join(dir, "notes"));
  writeFileSync(join(dir, "notes", "q3.txt"), USER_BYTES);
  return dir;
}

/** Every file under `dir` with its bytes: the state a refusal must leave unchanged. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.set(`${r}/`, "");
        walk(p, r);
      } else out.set(r, e.isSymbolicLink() ? "(link)" : readFileSync(p, "latin1"));
    }
  };
  walk(dir, "");
  return out;
}

function expectRefused(r: ReturnType<typeof cli>, why: RegExp) {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(why);
  expect(r.stderr).not.toMatch(/at .*\.ts:\d+|internal error/);
}

describe("--out refuses what would destroy files fleetsim did not write", () => {
  it("the current folder", () => {
    const ws = workspace();
    const before = snapshot(ws);
    expectRefused(
      cli(["run", "my.yaml", "--out", ".", ...SHORT], ws),
      /^--out: refused "\.": it is the current folder/,
    );
    expect(snapshot(ws)).toEqual(before);
  });

  it("a parent of the current folder", () => {
    const ws = workspace();
    const before = snapshot(ws);
    expectRefused(cli(["run", "../my.yaml", "--out", "..", ...SHORT], join(ws, "notes")), /holds it/);
    expect(snapshot(ws)).toEqual(before);
  });

  it("the scenario's own folder (it holds the input)", () => {
    const ws = workspace();
    const sub = join(ws, "notes");
    writeFileSync(join(sub, "s.yaml"), readFileSync(MMC, "utf8").replace("[profiles]", "[../profiles]"));
    const before = snapshot(ws);
    expectRefused(cli(["run", join(sub, "s.yaml"), "--out", sub, ...SHORT], ws), /it holds the input/);
    expect(snapshot(ws)).toEqual(before);
  });

  it("a folder holding a profile the scenario reads", () => {
    const ws = workspace();
    const profiles = scenarioPath("scenarios/validation/profiles");
    const r = cli(["run", MMC, "--out", profiles, ...SHORT], ws);
    expectRefused(r, /it holds the input/);
    expect(existsSync(profiles)).toBe(true);
  });

  it("a regular file", () => {
    const ws = workspace();
    const before = snapshot(ws);
    expectRefused(cli(["run", "my.yaml", "--out", USER_FILE, ...SHORT], ws), /it is a file, not a folder/);
    expect(snapshot(ws)).toEqual(before);
  });

  it("a path through a regular file", () => {
    const ws = workspace();
    const before = snapshot(ws);
    expectRefused(
      cli(["run", "my.yaml", "--out", `${USER_FILE}/out`, ...SHORT], ws),
      /is a file, not a folder/,
    );
    expect(snapshot(ws)).toEqual(before);
  });

  it("a folder holding other files", () => {
    const ws = workspace();
    const before = snapshot(ws);
    expectRefused(
      cli(["run", "my.yaml", "--out", "notes", ...SHORT], ws),
      /it holds files fleetsim did not write \(q3\.txt\)/,
    );
    expect(snapshot(ws)).toEqual(before);
  });

  it("a folder of fleetsim's with a file added by the user", () => {
    const ws = workspace();
    expect(cli(["run", "my.yaml", "--out", "res", ...SHORT], ws).status).toBe(0);
    writeFileSync(join(ws, "res", USER_FILE), USER_BYTES);
    const before = snapshot(ws);
    expectRefused(cli(["run", "my.yaml", "--out", "res", ...SHORT], ws), /did not write \(budget\.xlsx\)/);
    expect(snapshot(ws)).toEqual(before);
  });

  it("a symbolic link to a folder", () => {
    const ws = workspace();
    symlinkSync(join(ws, "notes"), join(ws, "link"));
    const before = snapshot(ws);
    expectRefused(cli(["run", "my.yaml", "--out", "link", ...SHORT], ws), /symbolic link/);
    expect(snapshot(ws)).toEqual(before);
  });

  it("the root of the file system and the home folder", () => {
    const ws = workspace();
    expectRefused(cli(["run", "my.yaml", "--out", "/", ...SHORT], ws), /root of the file system/);
    const home = join(ws, "notes");
    const before = snapshot(ws);
    expectRefused(cli(["run", "my.yaml", "--out", home, ...SHORT], ws, { HOME: home }), /home folder/);
    expect(snapshot(ws)).toEqual(before);
  });

  it("merge: an input shard, or a folder inside one", () => {
    const ws = workspace();
    const sweep = ["sweep", "my.yaml", "--vary", `${RATE}=2,3`, "--seeds", "2", "--workers", "1", ...SHORT];
    for (const i of [0, 1]) {
      const r = cli([...sweep, "--shard", `${i}/2`, "--out", `a${i}`], ws);
      expect(r.status, r.stderr).toBe(0);
    }
    const before = snapshot(ws);
    expectRefused(cli(["merge", "a0", "a1", "--out", "a0"], ws), /input folder "a0"/);
    expectRefused(cli(["merge", "a0", "a1", "--out", "a1/merged"], ws), /input folder "a1"/);
    expect(snapshot(ws)).toEqual(before);
    expect(cli(["merge", "a0", "a1", "--out", "merged"], ws).status).toBe(0);
  });

  it("compare and sweep check the folder before running", () => {
    const ws = workspace();
    const before = snapshot(ws);
    expectRefused(
      cli(["compare", "my.yaml", "my.yaml", "--seeds", "2", "--out", ".", ...SHORT], ws),
      /current folder/,
    );
    expectRefused(
      cli(["sweep", "my.yaml", "--vary", `${RATE}=2,3`, "--seeds", "2", "--out", "notes", ...SHORT], ws),
      /did not write/,
    );
    expect(snapshot(ws)).toEqual(before);
  });
});

describe("--out replaces what fleetsim wrote", () => {
  it("writes a missing or empty folder, then replaces its own folder whole", () => {
    const ws = workspace();
    mkdirSync(join(ws, "empty"));
    for (const out of ["empty", "fresh/deep/res"]) {
      const r = cli(["run", "my.yaml", "--out", out, ...SHORT], ws);
      expect(r.status, r.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(ws, out, "fleetsim.json"), "utf8"));
      expect(manifest).toMatchObject({
        program: "fleetsim",
        kind: "run",
        command: ["run", "my.yaml", "--out", out, ...SHORT],
      });
      expect(manifest.build).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
      expect([...manifest.files, "fleetsim.json"].sort()).toEqual(readdirSync(join(ws, out)).sort());
    }
    const again = cli(["run", "my.yaml", "--out", "empty", "--seed", "9", ...SHORT], ws);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(ws, "empty", "summary.csv"), "utf8")).toMatch(/\nmmc-rho-0\.5,9,/);
    // Nothing left beside it.
    expect(readdirSync(ws).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("a report keeps the folder fleetsim's: the next run may still replace it", () => {
    const ws = workspace();
    expect(cli(["run", "my.yaml", "--out", "res", ...SHORT], ws).status).toBe(0);
    expect(cli(["report", "res"], ws).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(ws, "res", "fleetsim.json"), "utf8"));
    expect(manifest.files).toContain("report.html");
    expect(cli(["run", "my.yaml", "--out", "res", ...SHORT], ws).status).toBe(0);
    expect(existsSync(join(ws, "res", "report.html"))).toBe(false);
  });

  it("report refuses to overwrite a report.html fleetsim did not write", () => {
    const ws = workspace();
    expect(cli(["run", "my.yaml", "--out", "res", ...SHORT], ws).status).toBe(0);
    writeFileSync(join(ws, "res", "report.html"), USER_BYTES);
    expectRefused(cli(["report", "res"], ws), /report\.html was not written by fleetsim/);
    expect(readFileSync(join(ws, "res", "report.html"), "latin1")).toBe(
      Buffer.from(USER_BYTES).toString("latin1"),
    );
  });
});

describe("the default output folder", () => {
  it("comes from the scenario name made safe: no escape from results/", () => {
    const ws = workspace();
    mkdirSync(join(ws, "victim"));
    writeFileSync(join(ws, "victim", USER_FILE), USER_BYTES);
    const named = (name: string) => readFileSync(MMC, "utf8").replace(/^name: .*$/m, `name: "${name}"`);
    const before = snapshot(join(ws, "victim"));
    // A name must start with a letter, digit or _: "../" is refused before anything runs.
    writeFileSync(join(ws, "hostile.yaml"), named("../../victim"));
    const refused = cli(["run", "../hostile.yaml", ...SHORT], join(ws, "notes"));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/hostile\.yaml:\d+ name: must start with a letter/);
    expect(existsSync(join(ws, "notes", "results"))).toBe(false);
    // Separators later in a valid name are made safe.
    writeFileSync(join(ws, "hostile.yaml"), named("victim/../../victim"));
    const r = cli(["run", "../hostile.yaml", ...SHORT], join(ws, "notes"));
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(ws, "notes", "results"))).toEqual(["victim-.-.-victim"]);
    expect(snapshot(join(ws, "victim"))).toEqual(before);
    expect(statSync(join(ws, "notes", "results", "victim-.-.-victim", "summary.csv")).isFile()).toBe(true);
  });

  it("safeFolderName: separators, dots and length", () => {
    expect(safeFolderName("../../victim")).toBe("victim");
    expect(safeFolderName("a/b\\c")).toBe("a-b-c");
    expect(safeFolderName(".hidden")).toBe("hidden");
    expect(safeFolderName("..")).toBe("scenario");
    expect(safeFolderName("")).toBe("scenario");
    expect(safeFolderName("x..y")).toBe("x.y");
    expect(safeFolderName("multi-model-2025")).toBe("multi-model-2025");
    expect(safeFolderName("a".repeat(500))).toHaveLength(80);
    expect(safeFolderName("Ünïcødé model")).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});
