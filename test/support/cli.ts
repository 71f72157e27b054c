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

/** Whether util-linux `script` is here to give the CLI a pseudo-terminal. */
export const hasPty = spawnSync("script", ["--version"]).status === 0;

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs the CLI in a 160 x 40 pseudo-terminal (`script`) and returns what the terminal shows: the
 * screen without escape sequences, and its non-blank pieces (a redraw moves to column 1, ESC [1G,
 * or returns the carriage; each line of text ends with a newline).
 */
export function cliInPty(args: string[]): {
  status: number | null;
  stdout: string;
  screen: string;
  pieces: string[];
} {
  const cmd = [process.execPath, ...ENTRY, ...args].map((a) => `'${a}'`).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, COLUMNS: "160", LINES: "40" },
  });
  const screen = r.stdout.replaceAll("\u001b[1G", "\r").replace(ANSI, "");
  const pieces = screen.split(/\r\n|\n|\r/).filter((p) => p.trim() !== "");
  return { status: r.status, stdout: r.stdout, screen, pieces };
}

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
