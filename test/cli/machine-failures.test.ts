/**
 * The machine's own failures and signals: exit 2 with the path and the system's reason (never
 * "please report it" nor a stack trace), nothing half-written; SIGTERM like SIGINT (exit 143);
 * an interrupt answered within a second, even in a phase with no slice boundary (the pre-flight
 * read of a large trace).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ENTRY, cli, cliInterrupted } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";
import { scenarioWorkspace } from "../support/workspace.js";

const SHORT = ["--horizon", "2m", "--quiet"];
const isRoot = process.getuid?.() === 0;

const workspace = () => scenarioWorkspace("fleetsim-machine-");

/** The CLI bound by file permissions: root without the capabilities that override them. */
function cliUnprivileged(args: string[], cwd: string) {
  const cmd = isRoot
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search", process.execPath]
    : [process.execPath];
  return spawnSync(cmd[0], [...cmd.slice(1), ...CLI_ENTRY, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
  });
}

function expectMachineError(r: { status: number | null; stdout: string; stderr: string }, why: RegExp) {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(why);
  expect(r.stderr).not.toMatch(/internal error|please report|at .*\.[jt]s:\d+/);
}

describe("the machine's failures", () => {
  it("permission denied: refused before the run, naming the folder", () => {
    const ws = workspace();
    mkdirSync(join(ws, "locked"), { mode: 0o555 });
    chmodSync(join(ws, "locked"), 0o555);
    const r = cliUnprivileged(["run", "my.yaml", "--out", "locked/res", ...SHORT], ws);
    expectMachineError(
      r,
      /^--out: refused "locked\/res": cannot write in "locked": permission denied \(EACCES\)$/m,
    );
    expect(readdirSync(join(ws, "locked"))).toEqual([]);
  });

  it("permission denied on an input: the path and the reason", () => {
    const ws = workspace();
    chmodSync(join(ws, "my.yaml"), 0o000);
    const r = cliUnprivileged(["validate", "my.yaml"], ws);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/my\.yaml.*permission denied/i);
    expect(r.stderr).not.toMatch(/internal error|please report/);
  });

  // A full disk, for real: a 16 KiB tmpfs (needs root to mount; skipped otherwise).
  const mnt = mkdtempSync(join(tmpdir(), "fleetsim-full-"));
  const mounted = isRoot && spawnSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync("umount", [mnt]);
  });
  it.skipIf(!mounted)("disk full: exit 2 with the folder and the reason, nothing left behind", () => {
    const ws = workspace();
    writeFileSync(join(mnt, "filler"), Buffer.alloc(8 * 1024));
    const r = cli(["run", "my.yaml", "--out", join(mnt, "res"), "--horizon", "30m", "--quiet"], ws);
    expectMachineError(r, /res: cannot \w+: no space left on the device \(ENOSPC\)$/m);
    expect(readdirSync(mnt)).toEqual(["filler"]);
  });
});

describe("signals", () => {
  it("SIGTERM stops a run like Ctrl-C: exit 143, a message, nothing written", async () => {
    const out = join(workspace(), "res");
    const mmc = scenarioPath("scenarios/validation/mmc-rho-0.5.yaml");
    const r = await cliInterrupted(
      ["run", mmc, "--out", out, "--horizon", "30d", "--quiet"],
      2500,
      "SIGTERM",
    );
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/^interrupted: nothing was written$/m);
    expect(existsSync(out)).toBe(false);
  });

  it("Ctrl-C during the pre-flight read of a large trace ends the process within a second", async () => {
    const ws = workspace();
    cpSync(scenarioPath("test/fixtures/demand/trace-error.yaml"), join(ws, "trace.yaml"));
    mkdirSync(join(ws, "traces"));
    // 1.5 M rows (about 50 MB): several seconds of reading before the first event.
    const rows: string[] = ["TIMESTAMP,ContextTokens,GeneratedTokens"];
    for (let i = 0; i < 1_500_000; i++) {
      const s = i / 100;
      const hh = 18 + Math.floor(s / 3600);
      const mm = Math.floor(s / 60) % 60;
      const ss = (s % 60).toFixed(2).padStart(5, "0");
      rows.push(`2023-11-16 ${hh}:${String(mm).padStart(2, "0")}:${ss}00000,100,10`);
    }
    writeFileSync(join(ws, "traces", "good.csv"), `${rows.join("\n")}\n`);
    const out = join(ws, "res");
    const r = await cliInterrupted(["run", join(ws, "trace.yaml"), "--out", out, "--quiet"], 2500, "SIGINT");
    expect(r.code).toBe(130);
    expect(r.endedAfterSignalMs).toBeLessThan(1000);
    expect(existsSync(out)).toBe(false);
  });
});
