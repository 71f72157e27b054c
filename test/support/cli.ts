/** Test support: run the fleetsim CLI from source in a child process. */
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { repoRoot } from "./run-scenario.js";

const ENTRY = ["--import", "tsx", "src/cli/main.ts"];

export function cli(args: string[], cwd = repoRoot): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...ENTRY, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
}

/** Starts the CLI, sends SIGINT after `afterMs`, resolves with its exit code. */
export function cliInterrupted(
  args: string[],
  afterMs: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: repoRoot });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    setTimeout(() => child.kill("SIGINT"), afterMs);
    child.on("exit", (code) => resolveP({ code, stderr }));
  });
}
