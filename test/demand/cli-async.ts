/** Test support: the fleetsim CLI from source in a child process, awaited, so several can run at once. */
import { execFile } from "node:child_process";
import { repoRoot } from "../support/run-scenario.js";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function cliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolveP) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: repoRoot, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolveP({ status: code, stdout, stderr });
      },
    );
  });
}
