/// <reference lib="dom" />
/**
 * The report as a reader sees it: each page (run, sweep, compare, plan) opened in headless Chromium with
 * the network cut off. It must load with no console error, script error or fetch, every chart must
 * draw its series, and its screenshot must not be blank. Skips only when Chromium is not installed
 * (`.ci/run` installs it); FLEETSIM_CHROMIUM names another binary.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/write-report.js";
import { cli } from "../support/cli.js";
import { runScenario } from "../support/run-scenario.js";

const CHROMIUM = process.env.FLEETSIM_CHROMIUM ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);

interface PageCheck {
  problems: string[];
  charts: { title: string; series: number; drawn: number }[];
  inkShare: number;
}

let browser: Browser;
let root: string;
const folders: Record<"run" | "sweep" | "compare" | "plan", string> = {
  run: "",
  sweep: "",
  compare: "",
  plan: "",
};

/** Opens a page offline and reports what went wrong, what each chart holds and how much of the screenshot is not white. */
async function check(file: string): Promise<PageCheck> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`script error: ${(e as Error).message}`));
  await page.setRequestInterception(true);
  const url = pathToFileURL(file).href;
  let offline = true;
  page.on("request", (r) => {
    if (!offline || r.url() === url) return void r.continue();
    problems.push(`fetched ${r.url()}`);
    void r.abort();
  });
  await page.setViewport({ width: 1000, height: 900 });
  await page.goto(url, { waitUntil: "load" });
  const charts = await page.$$eval("svg[data-chart]", (svgs) =>
    svgs.map((svg) => {
      const series = [...svg.querySelectorAll(".series")];
      // A series is drawn when it holds a line with points, a bar or a dot of non-zero size.
      const drawn = series.filter(
        (s) =>
          ((s as SVGElement).getAttribute("points") ?? "").trim() !== "" ||
          [...s.querySelectorAll("rect, circle, polyline")].some((e) => {
            const b = (e as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          }),
      ).length;
      return { title: svg.getAttribute("data-chart") ?? "", series: series.length, drawn };
    }),
  );
  // The page has loaded; what follows (decoding the screenshot) is the test's own doing.
  offline = false;
  const shot = await page.screenshot({ encoding: "base64", fullPage: true });
  // Decoded in the browser: the share of pixels that are not (near) white.
  const inkShare = await page.evaluate(async (b64: string) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext("2d")!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 235 || d[i + 1]! < 235 || d[i + 2]! < 235) ink++;
    return ink / (d.length / 4);
  }, shot as string);
  await page.close();
  return { problems, charts, inkShare };
}

beforeAll(async () => {
  if (!haveChromium) return;
  root = await mkdtemp(join(tmpdir(), "fleetsim-chromium-"));
  folders.run = join(root, "run");
  await mkdir(folders.run);
  const r = await runScenario("scenarios/multi-model-2025.yaml", { horizon: "3h" });
  for (const [name, content] of r.files()) await writeFile(join(folders.run, name), content);
  folders.sweep = join(root, "sweep");
  folders.compare = join(root, "compare");
  const scenario = "scenarios/validation/mmc-rho-0.5.yaml";
  const sweep = cli([
    "sweep",
    scenario,
    "--vary",
    "scheduler.max_batch=1,2",
    "--seeds",
    "2",
    "--horizon",
    "20m",
    "--workers",
    "1",
    "--out",
    folders.sweep,
    "--quiet",
  ]);
  expect(sweep.status, sweep.stderr).toBe(0);
  const compare = cli([
    "compare",
    scenario,
    scenario,
    "--set-b",
    "scheduler.max_batch=2",
    "--seeds",
    "2",
    "--horizon",
    "20m",
    "--out",
    folders.compare,
    "--quiet",
  ]);
  expect(compare.status, compare.stderr).toBe(0);
  folders.plan = join(root, "plan");
  const plan = cli(["plan", "test/fixtures/plan/mmc.yaml", "--out", folders.plan, "--quiet"]);
  expect(plan.status, plan.stderr).toBe(0);
  for (const dir of Object.values(folders)) await writeReport(dir);
  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)("the report in headless Chromium", () => {
  const expected = {
    run: [
      "Utilisation per pool",
      "Cost per pool",
      "Revenue by model",
      "Margin by model",
      "Requests missing their SLO",
      "Time to first token",
      "Time per output token",
    ],
    sweep: ["Revenue", "Infrastructure cost", "Margin", "Margin %", "Utilisation", "SLO attainment"],
    compare: ["Paired difference B − A, relative to A"],
    plan: [
      "Confirmed fleets: infrastructure cost",
      "Screened candidates: node cost of one model's slots",
      "Nodes per pool and model: input and chosen",
    ],
  };

  for (const kind of ["run", "sweep", "compare", "plan"] as const) {
    it(`${kind} page: loads offline without errors, every chart draws every series, the screenshot is not blank`, async () => {
      const c = await check(join(folders[kind], "report.html"));
      expect(c.problems).toEqual([]);
      const titles = c.charts.map((x) => x.title);
      for (const t of expected[kind]) expect(titles).toContain(t);
      for (const chart of c.charts) {
        expect(chart.series, chart.title).toBeGreaterThan(0);
        expect(chart.drawn, chart.title).toBe(chart.series);
      }
      // A page of charts and tables: several per cent of its pixels carry ink, far from a blank page.
      expect(c.inkShare).toBeGreaterThan(0.02);
    });
  }

  it("the check itself sees a script error, a fetch, an empty chart and a blank page", async () => {
    const html = await readFile(join(folders.run, "report.html"), "utf8");
    const broken = join(root, "broken.html");
    await writeFile(
      broken,
      html
        .replace(
          "</body>",
          `<script>undefinedFunction()</script><img src="https://example.com/x.png"></body>`,
        )
        .replace(/points="[^"]*"/, 'points=""'),
    );
    const c = await check(broken);
    expect(c.problems.some((p) => p.startsWith("script error"))).toBe(true);
    expect(c.problems.some((p) => p.includes("https://example.com/x.png"))).toBe(true);
    expect(c.charts.some((x) => x.drawn < x.series)).toBe(true);
    const blank = join(root, "blank.html");
    await writeFile(blank, "<!DOCTYPE html><html><body></body></html>");
    expect((await check(blank)).inkShare).toBeLessThan(0.001);
  });
});
