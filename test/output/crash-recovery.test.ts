/**
 * A write cut short at any point is mended by the next command that names the folder: a process
 * killed between the two renames of the swap (FLEETSIM_FAULT=kill-in-swap) leaves no visible
 * results, and the next run or report puts the finished results in place and removes the rest.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { recoverInterruptedWrite, writeDirAtomically } from "../../src/output/atomic-dir.js";
import { FOLDER_MANIFEST, folderManifest, manifestText } from "../../src/output/folder-manifest.js";
import { cli } from "../support/cli.js";
import { scenarioWorkspace } from "../support/workspace.js";

const SHORT = ["--horizon", "2m", "--quiet"];

const workspace = () => scenarioWorkspace("fleetsim-crash-");

const hidden = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.startsWith("."))
    .sort();
const seedOf = (dir: string) => readFileSync(join(dir, "summary.csv"), "utf8").split("\r\n")[1].split(",")[1];

/** A pid no process has now: one that has just exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

/** A leftover of ours as a write of `pid` would leave it. */
function leftover(ws: string, name: string, files: Record<string, string>) {
  const dir = join(ws, name);
  mkdirSync(dir);
  writeFileSync(join(dir, FOLDER_MANIFEST), manifestText(folderManifest("run", ["run"], Object.keys(files))));
  for (const [f, c] of Object.entries(files)) writeFileSync(join(dir, f), c);
}

describe("a write killed between the two renames", () => {
  it("leaves hidden siblings only, and the next command puts the finished results in place", () => {
    const ws = workspace();
    expect(cli(["run", "my.yaml", "--out", "res", "--seed", "1", ...SHORT], ws).status).toBe(0);
    const killed = cli(["run", "my.yaml", "--out", "res", "--seed", "9", ...SHORT], ws, {
      FLEETSIM_FAULT: "kill-in-swap",
    });
    expect(killed.signal).toBe("SIGKILL");
    // What a user sees after the crash: no res/, two hidden folders beside it.
    expect(existsSync(join(ws, "res"))).toBe(false);
    expect(hidden(ws).map((n) => n.replace(/-\d+-\d+$/, ""))).toEqual([".res.new", ".res.old"]);

    const r = cli(["report", "res"], ws);
    expect(r.status, r.stderr).toBe(0);
    expect(hidden(ws)).toEqual([]);
    expect(seedOf(join(ws, "res"))).toBe("9");
    // And the folder is fleetsim's whole: the next run may replace it.
    expect(cli(["run", "my.yaml", "--out", "res", "--seed", "3", ...SHORT], ws).status).toBe(0);
    expect(seedOf(join(ws, "res"))).toBe("3");
    expect(hidden(ws)).toEqual([]);
  });

  it("the next run mends it too, before it starts", () => {
    const ws = workspace();
    expect(cli(["run", "my.yaml", "--out", "res", "--seed", "1", ...SHORT], ws).status).toBe(0);
    cli(["run", "my.yaml", "--out", "res", "--seed", "9", ...SHORT], ws, { FLEETSIM_FAULT: "kill-in-swap" });
    const r = cli(["run", "my.yaml", "--out", "res", "--seed", "4", ...SHORT], ws);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^res: an interrupted write was mended/);
    expect(seedOf(join(ws, "res"))).toBe("4");
    expect(hidden(ws)).toEqual([]);
  });
});

describe("recoverInterruptedWrite", () => {
  it("restores the earlier results when no write finished, and removes partial ones", async () => {
    const ws = mkdtempSync(join(tmpdir(), "fleetsim-recover-"));
    const pid = deadPid();
    leftover(ws, `.res.old-${pid}-100`, { "summary.csv": "earlier" });
    leftover(ws, `.res.tmp-${pid}-200`, { "summary.csv": "half" });
    const r = await recoverInterruptedWrite(join(ws, "res"));
    expect(r).toEqual({ restored: "old", removed: 1 });
    expect(readFileSync(join(ws, "res", "summary.csv"), "utf8")).toBe("earlier");
    expect(hidden(ws)).toEqual([]);
  });

  it("prefers the newest finished write, and leaves a live process's leftovers and anything not ours", async () => {
    const ws = mkdtempSync(join(tmpdir(), "fleetsim-recover-"));
    const pid = deadPid();
    leftover(ws, `.res.new-${pid}-300`, { "summary.csv": "newest" });
    leftover(ws, `.res.new-${pid}-250`, { "summary.csv": "older" });
    leftover(ws, `.res.old-${pid}-100`, { "summary.csv": "earlier" });
    leftover(ws, `.res.tmp-${process.pid}-400`, { "summary.csv": "in progress" });
    // A user's folder that happens to match the pattern: holds a file no manifest lists.
    leftover(ws, `.res.old-${pid}-50`, { "summary.csv": "x" });
    writeFileSync(join(ws, `.res.old-${pid}-50`, "mine.txt"), "user");
    const r = await recoverInterruptedWrite(join(ws, "res"));
    expect(r).toEqual({ restored: "new", removed: 2 });
    expect(readFileSync(join(ws, "res", "summary.csv"), "utf8")).toBe("newest");
    expect(hidden(ws)).toEqual([`.res.old-${pid}-50`, `.res.tmp-${process.pid}-400`]);
    expect(readFileSync(join(ws, `.res.old-${pid}-50`, "mine.txt"), "utf8")).toBe("user");
  });

  it("does nothing where nothing was left", async () => {
    const ws = mkdtempSync(join(tmpdir(), "fleetsim-recover-"));
    expect(await recoverInterruptedWrite(join(ws, "res"))).toBeNull();
    expect(readdirSync(ws)).toEqual([]);
  });
});

describe("writeDirAtomically", () => {
  it("refuses at the swap a folder that gained a user's file during the run, and writes nothing", async () => {
    const ws = mkdtempSync(join(tmpdir(), "fleetsim-swap-"));
    const res = join(ws, "res");
    await writeDirAtomically(res, new Map([["a.csv", "1"]]), { kind: "run", command: ["run"] });
    writeFileSync(join(res, "notes.txt"), "user");
    await expect(
      writeDirAtomically(res, new Map([["a.csv", "2"]]), { kind: "run", command: ["run"] }),
    ).rejects.toThrow(InputError);
    expect(readdirSync(res).sort()).toEqual(["a.csv", FOLDER_MANIFEST, "notes.txt"].sort());
    expect(readFileSync(join(res, "a.csv"), "utf8")).toBe("1");
    expect(hidden(ws)).toEqual([]);
  });
});
