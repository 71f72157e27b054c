/**
 * Every test run gets its own temporary folder (TMPDIR for all test processes), removed at the end,
 * so the many scenario files, traces and output folders the tests write never pile up in /tmp.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "fleetsim-tests-"));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
