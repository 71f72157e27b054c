/** The report's replicas-per-model chart: drawn when the autoscaler moved replicas, absent otherwise. */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/report/page.js";
import { readRun } from "../../src/report/read-run.js";
import { runScenario } from "../support/run-scenario.js";

async function reportOf(file: string, horizon?: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "fleetsim-report-replicas-")), "run");
  await mkdir(dir);
  const r = await runScenario(file, horizon ? { horizon } : {});
  for (const [name, content] of r.files()) await writeFile(join(dir, name), content);
  return buildReport(await readRun(dir));
}

const charts = (html: string) =>
  [...html.matchAll(/<svg [^>]*role="img" aria-label="([^"]*)"/g)].map((m) => m[1]);

describe("report: replicas per model", () => {
  it("draws one line per model when replicas switched, with the loads counted", async () => {
    const html = await reportOf("test/fixtures/autoscaling/switching.yaml");
    expect(charts(html)).toContain("Replicas per model");
    expect(html).toContain("began 2 loads, 2 of them switches between models");
    const legend = html.slice(html.indexOf("Replicas per model"));
    expect(legend).toContain("as-a");
    expect(legend).toContain("as-b");
  });

  it("leaves it out of a run whose split never changes", async () => {
    const html = await reportOf("scenarios/validation/mmc-rho-0.5.yaml", "1h");
    expect(charts(html)).not.toContain("Replicas per model");
  });
});
