/**
 * The progress display on stderr, only when stderr is a terminal: a bar of simulated time, the
 * simulated day, requests done and their rate, and an ETA once there is a rate to base it on.
 * It starts at the first update (after the pre-flight, so an estimate line printed before it keeps
 * its own line), never moves backwards (a hybrid run reports its phases out of order), and clears
 * its line when it stops, so what follows starts on a clean line.
 */
import cliProgress from "cli-progress";

export interface Progress {
  /** `fraction`: the share of the run done, when it is not simTime / horizon (hybrid runs). */
  update(simTime: number, completed: number, fraction?: number): void;
  stop(): void;
}

/** Seconds of wall time before an ETA is shown: earlier rates are mostly start-up. */
const ETA_AFTER_S = 1;

const count = (n: number) => Math.round(n).toLocaleString("en-US");

function formatDurationShort(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** The text after the bar, from what is known at `wallS` seconds into the run. */
export function progressText(fraction: number, simTime: number, completed: number, wallS: number): string {
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const parts = [pct, `sim ${(simTime / 86400).toFixed(1)} d`, `${count(completed)} requests`];
  if (wallS >= ETA_AFTER_S && completed > 0) parts.push(`${count(completed / wallS)} requests/s`);
  if (wallS >= ETA_AFTER_S && fraction > 0 && fraction < 1) {
    parts.push(`ETA ${formatDurationShort((wallS * (1 - fraction)) / fraction)}`);
  }
  return parts.join(" | ");
}

export function progressBar(horizon: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  const started = Date.now();
  let best = 0;
  let done = 0;
  const STEPS = 10_000;
  return {
    update(simTime, completed, fraction) {
      const f = Math.min(1, Math.max(0, fraction ?? (horizon > 0 ? simTime / horizon : 1)));
      best = Math.max(best, f);
      done = Math.max(done, completed);
      const text = progressText(best, Math.min(simTime, horizon), done, (Date.now() - started) / 1000);
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: " {bar} {text}", hideCursor: true, barsize: 30 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(STEPS, Math.round(best * STEPS), { text });
      } else bar.update(Math.round(best * STEPS), { text });
    },
    stop() {
      if (bar === null) return;
      bar.stop();
      // Leave a clean line: whatever follows (the summary) starts at column 0 below nothing.
      process.stderr.write("\r\x1b[2K");
    },
  };
}
