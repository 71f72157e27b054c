/** Test support: run the fleetsim CLI from source in a child process. */
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./run-scenario.js";

// Absolute, so the CLI can run from any folder (tests of what it does to the current folder).
const ENTRY = [
  "--import",
  pathToFileURL(join(repoRoot, "node_modules/tsx/dist/loader.mjs")).href,
  join(repoRoot, "src/cli/main.ts"),
];

export function cli(args: string[], cwd = repoRoot, env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...ENTRY, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: env ? { ...process.env, ...env } : undefined,
  });
}

/** The node command line that runs the CLI from source (for spawning it under another user). */
export const CLI_ENTRY: readonly string[] = ENTRY;

/** Starts the CLI, sends `signal` after `afterMs`, resolves with its exit code and how long it took to end. */
export function cliInterrupted(
  args: string[],
  afterMs: number,
  signal: NodeJS.Signals = "SIGINT",
): Promise<{ code: number | null; stderr: string; endedAfterSignalMs: number }> {
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: repoRoot });
    let sentAt = 0;
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    setTimeout(() => {
      sentAt = Date.now();
      child.kill(signal);
    }, afterMs);
    child.on("exit", (code) => resolveP({ code, stderr, endedAfterSignalMs: Date.now() - sentAt }));
  });
}
