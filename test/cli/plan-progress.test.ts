/**
 * `fleetsim plan`'s progress: a bar on a terminal (util-linux `script` gives a pseudo-terminal),
 * never on a pipe, and the explanation starting on a clean line after it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planProgressText } from "../../src/cli/plan-progress.js";
import { CLI_ENTRY, cli } from "../support/cli.js";
import { repoRoot } from "../support/run-scenario.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const SCENARIO = "test/fixtures/plan/mmc-share-grid.yaml";

describe("plan progress text", () => {
  it("counts screened candidates, the fleet under confirmation and its runs", () => {
    expect(planProgressText({ screened: 12345, confirmRuns: 7, fleets: 4, fleetRun: 1, seeds: 3 }, 2.7)).toBe(
      "12,345 screened | fleet 4 run 1/3 | 7 runs | 2s",
    );
  });
});

describe("plan progress on a pipe", () => {
  it("writes nothing to stderr", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-plan-pipe-")), "res");
    const r = cli(["plan", SCENARIO, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^plan mmc-share-grid: /);
  });
});

describe.skipIf(!hasScript)("plan progress in a pseudo-terminal", () => {
  it("draws a bar, then the explanation on a clean line", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-plan-pty-")), "res");
    const cmd = [process.execPath, ...CLI_ENTRY, "plan", SCENARIO, "--out", out]
      .map((a) => `'${a}'`)
      .join(" ");
    const r = spawnSync("script", ["-qec", cmd, "/dev/null"], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, COLUMNS: "160", LINES: "40" },
    });
    expect(r.status, r.stdout).toBe(0);
    const screen = r.stdout.replaceAll("\u001b[1G", "\r").replace(ANSI, "");
    const pieces = screen.split(/\r\n|\n|\r/).filter((p) => p.trim() !== "");
    const bars = pieces.filter((p) => /[█░]/.test(p));
    expect(bars.length).toBeGreaterThan(0);
    for (const b of bars) expect(b).toMatch(/\d+ screened \| fleet \d+ run \d+\/2 \| \d+ runs \| \d+s/);
    const summary = pieces.findIndex((p) => p.startsWith("plan mmc-share-grid: "));
    expect(summary).toBeGreaterThan(pieces.indexOf(bars[0]));
    expect(pieces.slice(summary).some((p) => /[█░]/.test(p))).toBe(false);
  });
});
