/** A progress bar on stderr (simulated time, requests done, ETA), only when stderr is a terminal. */
import cliProgress from "cli-progress";

export interface Progress {
  update(simTime: number, completed: number): void;
  stop(): void;
}

export function progressBar(horizon: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: " {bar} {percentage}% | sim {simDay} | {completed} requests done | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(horizon, 0, { simDay: "0.0 d", completed: 0 });
  return {
    update(simTime, completed) {
      bar.update(simTime, { simDay: `${(simTime / 86400).toFixed(1)} d`, completed });
    },
    stop() {
      bar.stop();
    },
  };
}
