/**
 * The progress display as a terminal shows it: in a pseudo-terminal (util-linux `script`), the
 * estimate on a line of its own, the bar never moving backwards, an ETA only once there is a rate,
 * thousands separators, and the summary starting on a clean line after the bar.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { progressText } from "../../src/cli/progress.js";
import { cliInPty, hasPty } from "../support/cli.js";

describe("progress text", () => {
  it("shows no ETA or rate before a second of wall time, then both; thousands separators", () => {
    expect(progressText(0, 0, 0, 0)).toBe("  0% | sim 0.0 d | 0 requests");
    expect(progressText(0.1, 8640, 12345, 0.5)).not.toMatch(/ETA|\/s/);
    expect(progressText(0.25, 21600, 1234567, 2)).toBe(
      " 25% | sim 0.3 d | 1,234,567 requests | 617,284 requests/s | ETA 6s",
    );
    expect(progressText(1, 86400, 10, 3)).not.toMatch(/ETA/);
  });
});

describe.skipIf(!hasPty)("in a pseudo-terminal", () => {
  it("keeps the estimate, the bar and the summary apart", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-pty-")), "res");
    const r = cliInPty(["run", "scenarios/multi-model-2025.yaml", "--horizon", "7d", "--out", out]);
    expect(r.status, r.stdout).toBe(0);
    const { screen, pieces } = r;
    const estimate = pieces.findIndex((p) => p.includes("estimated"));
    expect(estimate).toBeGreaterThanOrEqual(0);
    expect(pieces[estimate]).toMatch(/^estimated [\d.]+ M requests, [\d.]+ M events$/);
    const bars = pieces.filter((p) => /[█░]/.test(p));
    expect(bars.length).toBeGreaterThan(1);
    const pcts = bars.map((b) => Number(/(\d+)%/.exec(b)![1]));
    for (let i = 1; i < pcts.length; i++) expect(pcts[i]).toBeGreaterThanOrEqual(pcts[i - 1]);
    expect(screen).not.toMatch(/ETA 0s/);
    for (const b of bars) expect(b).toMatch(/\d{1,3}(,\d{3})* requests/);
    const summary = pieces.findIndex((p) => p.startsWith("scenario "));
    expect(summary).toBeGreaterThan(estimate);
    expect(pieces[summary]).toMatch(/^scenario +multi-model-2025 \(seed 42, horizon 7d\)$/);
    expect(pieces.slice(summary).some((p) => /[█░]/.test(p))).toBe(false);
  });
});
