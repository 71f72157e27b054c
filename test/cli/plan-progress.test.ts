/**
 * `fleetsim plan`'s progress: a bar on a terminal (util-linux `script` gives a pseudo-terminal),
 * never on a pipe, and the explanation starting on a clean line after it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planProgressText } from "../../src/cli/plan-progress.js";
import { cli, cliInPty, hasPty } from "../support/cli.js";

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

describe.skipIf(!hasPty)("plan progress in a pseudo-terminal", () => {
  it("draws a bar, then the explanation on a clean line", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-plan-pty-")), "res");
    const r = cliInPty(["plan", SCENARIO, "--out", out]);
    expect(r.status, r.stdout).toBe(0);
    const { pieces } = r;
    const bars = pieces.filter((p) => /[█░]/.test(p));
    expect(bars.length).toBeGreaterThan(0);
    for (const b of bars) expect(b).toMatch(/\d+ screened \| fleet \d+ run \d+\/2 \| \d+ runs \| \d+s/);
    const summary = pieces.findIndex((p) => p.startsWith("plan mmc-share-grid: "));
    expect(summary).toBeGreaterThan(pieces.indexOf(bars[0]));
    expect(pieces.slice(summary).some((p) => /[█░]/.test(p))).toBe(false);
  });
});
