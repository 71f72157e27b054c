/**
 * The progress display of `fleetsim plan` on stderr, only when stderr is a terminal: a bar of the
 * current fleet's confirmation runs (one per seed) and, after it, the candidates screened, the
 * fleets confirmed so far and the wall time. The search has no known end (it stops at the first
 * fleet that passes), so the bar measures the fleet under confirmation, not the whole plan. It
 * clears its line when it stops, as the run's bar does (progress.ts).
 */
import cliProgress from "cli-progress";
import type { PlanProgress } from "../api/plan.js";

export interface PlanProgressBar {
  update(p: PlanProgress): void;
  stop(): void;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** The text after the bar. */
export function planProgressText(p: PlanProgress, wallS: number): string {
  const parts = [
    `${count(p.screened)} screened`,
    `fleet ${count(p.fleets)} run ${p.fleetRun}/${p.seeds}`,
    `${count(p.confirmRuns)} runs`,
    `${Math.floor(wallS)}s`,
  ];
  return parts.join(" | ");
}

export function planProgressBar(enabled: boolean): PlanProgressBar {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  const started = Date.now();
  return {
    update(p) {
      const text = planProgressText(p, (Date.now() - started) / 1000);
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: " {bar} {text}", hideCursor: true, barsize: 30 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(1, p.seeds), p.fleetRun, { text });
      } else {
        bar.setTotal(Math.max(1, p.seeds));
        bar.update(p.fleetRun, { text });
      }
    },
    stop() {
      if (bar === null) return;
      bar.stop();
      process.stderr.write("\r\x1b[2K");
    },
  };
}
