/**
 * --xlsx and --csv-dialect on the commands that write tables besides `run`: a sweep's workbook
 * holds its summary and sweep tables as numbers, and a merge of shards writes the same workbook
 * and the same semicolon-comma files as the unsharded sweep; compare's workbook holds compare and
 * runs. The workbook is listed in the folder's manifest.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";

const MMC = "scenarios/validation/mmc-rho-0.5.yaml";
const RATE = "tenants.poisson-tenant.workloads.0.arrival.rate_per_s";
const SWEEP = ["sweep", MMC, "--horizon", "10m", "--vary", `${RATE}=2,4.5`, "--seeds", "2", "--quiet"];
const SHEETS = ["--xlsx", "--csv-dialect", "semicolon-comma"];
const PLAIN = /^-?\d+(\.\d+)?$/;
/** The bytes as exceljs's load takes them. */
const arrayBuffer = (b: Uint8Array) =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

async function workbook(dir: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(arrayBuffer(readFileSync(join(dir, "results.xlsx"))));
  return wb;
}

/** Each sheet against the RFC 4180 reading of its CSV (semicolon-comma when `semi`). */
function expectSheetEqualsCsv(ws: ExcelJS.Worksheet, csvText: string, semi: boolean) {
  const rows = parse(csvText, { delimiter: semi ? ";" : "," }) as string[][];
  expect(ws.rowCount, ws.name).toBe(rows.length);
  let numbers = 0;
  rows.forEach((row, i) => {
    row.forEach((text, c) => {
      const v = ws.getRow(i + 1).getCell(c + 1).value;
      const plain = semi ? text.replace(",", ".") : text;
      const where = `${ws.name} row ${i + 1} col ${c + 1}`;
      if (text === "") expect(v, where).toBeNull();
      else if (i > 0 && PLAIN.test(plain) && rows[0][c] !== "scenario") {
        expect(v, where).toBe(Number(plain));
        numbers++;
      } else expect(v, where).toBe(text);
    });
  });
  expect(numbers, ws.name).toBeGreaterThan(10);
}

describe("spreadsheets from sweep, merge and compare", () => {
  it("a sweep's workbook and semicolon-comma files; a merge of its shards writes the same", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-sweep-xlsx-"));
    const whole = join(dir, "whole");
    const r = cli([...SWEEP, "--workers", "1", ...SHEETS, "--out", whole]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`outputs: ${whole} (summary.csv, sweep.csv, sweep.json, results.xlsx)`);
    const manifest = JSON.parse(readFileSync(join(whole, "fleetsim.json"), "utf8"));
    expect(manifest.files).toEqual(["results.xlsx", "summary.csv", "sweep.csv", "sweep.json"]);
    const summary = readFileSync(join(whole, "summary.csv"), "utf8");
    expect(summary.split("\r\n")[0]).toMatch(
      /^run;variant;tenants\.poisson-tenant\.workloads\.0\.arrival\.rate_per_s;scenario;/,
    );
    // The varied value 4.5 is a number: it takes the decimal comma too.
    expect(summary).toContain(";1;4,5;mmc-rho-0.5;");
    const wb = await workbook(whole);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["summary", "sweep"]);
    expectSheetEqualsCsv(wb.getWorksheet("summary")!, summary, true);
    expectSheetEqualsCsv(wb.getWorksheet("sweep")!, readFileSync(join(whole, "sweep.csv"), "utf8"), true);

    for (const i of [0, 1]) {
      const s = cli([...SWEEP, "--workers", "1", "--shard", `${i}/2`, "--xlsx", "--out", join(dir, `s${i}`)]);
      expect(s.stderr).toBe("");
    }
    const m = cli(["merge", join(dir, "s0"), join(dir, "s1"), ...SHEETS, "--out", join(dir, "merged")]);
    expect(m.stderr).toBe("");
    for (const f of ["summary.csv", "sweep.csv", "results.xlsx"]) {
      expect(readFileSync(join(dir, "merged", f)), f).toEqual(readFileSync(join(whole, f)));
    }
  });

  it("compare's workbook: sheets compare and runs, equal to the CSVs", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-compare-xlsx-")), "c");
    const r = cli(
      ["compare", MMC, MMC, "--set-b", `${RATE}=5`, "--seeds", "2", "--horizon", "10m", "--quiet"].concat([
        "--xlsx",
        "--out",
        out,
      ]),
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const wb = await workbook(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["compare", "runs"]);
    for (const name of ["compare", "runs"]) {
      const ws = wb.getWorksheet(name)!;
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expectSheetEqualsCsv(ws, readFileSync(join(out, `${name}.csv`), "utf8"), false);
    }
    const manifest = JSON.parse(readFileSync(join(out, "fleetsim.json"), "utf8"));
    expect(manifest.files).toEqual(["compare.csv", "results.xlsx", "runs.csv"]);
  });
});
