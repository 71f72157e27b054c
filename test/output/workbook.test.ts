/**
 * results.xlsx read back with exceljs: a sheet per CSV table, in order, with the CSV's header
 * frozen; every cell typed (a number where the CSV has a number, equal to it; a date cell at the
 * CSV's UTC instant for a time; text as it is; empty where the CSV is empty); the same bytes for
 * the same run.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadScenario, runScenario } from "../../src/api/index.js";
import { MAX_SHEET_ROWS, WORKBOOK_FILE, workbookBytes } from "../../src/output/workbook.js";
import { resultTables } from "../../src/output/write-results.js";
import { cli } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";

const PLAIN = /^-?\d+(\.\d+)?$/;
/** The bytes as exceljs's load takes them. */
const arrayBuffer = (b: Uint8Array) =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** price-war, two hours in half-hour intervals: five pools' and models' rows, several intervals. */
async function smallRun() {
  const s = await loadScenario(scenarioPath("scenarios/price-war.yaml"), {
    horizon: "2h",
    set: ["report_interval=30m"],
  });
  return runScenario(s);
}

let r: Awaited<ReturnType<typeof smallRun>>;
let files: Map<string, string | Uint8Array>;
let wb: ExcelJS.Workbook;

beforeAll(async () => {
  r = await smallRun();
  files = new Map<string, string | Uint8Array>(r.files());
  files.set(WORKBOOK_FILE, await r.workbook());
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load(arrayBuffer(files.get(WORKBOOK_FILE) as Uint8Array));
});

describe("results.xlsx", () => {
  it("has one sheet per CSV table, in the files' order, named after them", () => {
    const names = resultTables(r.run, r.financials, r.summary).map((t) => t.name);
    expect(names.length).toBe(8);
    expect(wb.worksheets.map((w) => w.name)).toEqual(names);
    for (const n of names) expect(files.has(`${n}.csv`), n).toBe(true);
  });

  it("every cell holds the CSV's value, typed: numbers, UTC date cells, text, empty", () => {
    let dates = 0;
    let numbers = 0;
    let empties = 0;
    for (const ws of wb.worksheets) {
      const [header, ...rows] = parse(files.get(`${ws.name}.csv`) as string) as string[][];
      expect(ws.rowCount, ws.name).toBe(rows.length + 1);
      header.forEach((h, c) => {
        expect(ws.getRow(1).getCell(c + 1).value, ws.name).toBe(h);
      });
      rows.forEach((row, i) => {
        const sheetRow = ws.getRow(i + 2);
        row.forEach((csv, c) => {
          const where = `${ws.name}!${header[c]} row ${i + 2}`;
          const v = sheetRow.getCell(c + 1).value;
          if (csv === "") {
            expect(v, where).toBeNull();
            empties++;
          } else if (ISO.test(csv)) {
            expect(v, where).toBeInstanceOf(Date);
            expect((v as Date).getTime(), where).toBe(Date.parse(csv));
            expect(sheetRow.getCell(c + 1).numFmt, where).toBe("yyyy-mm-dd hh:mm:ss");
            dates++;
          } else if (PLAIN.test(csv)) {
            expect(typeof v, where).toBe("number");
            expect(v, where).toBe(Number(csv));
            numbers++;
          } else {
            expect(v, where).toBe(csv);
          }
        });
      });
    }
    // period_start of every timeseries and revenue_by_model row, and capacity's peak times.
    expect(dates).toBeGreaterThanOrEqual(2 * 4 * 2);
    expect(numbers).toBeGreaterThan(500);
    expect(empties).toBeGreaterThan(0);
  });

  it("period_start is a date cell in UTC: the run's start, then one report interval apart", () => {
    const ws = wb.getWorksheet("timeseries")!;
    const col = (ws.getRow(1).values as unknown[]).indexOf("period_start");
    const first = ws.getRow(2).getCell(col).value as Date;
    expect(first.toISOString()).toBe("2024-07-01T00:00:00.000Z");
    const times = new Set<number>();
    for (let i = 2; i <= ws.rowCount; i++) times.add((ws.getRow(i).getCell(col).value as Date).getTime());
    expect([...times].sort()).toEqual([0, 1, 2, 3].map((k) => Date.UTC(2024, 6, 1) + k * 1_800_000));
  });

  it("freezes the header row, filters on it and sizes columns to their contents", () => {
    for (const ws of wb.worksheets) {
      expect(ws.views[0], ws.name).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.autoFilter, ws.name).toBeTruthy();
      ws.columns.forEach((col, c) => {
        const header = String(ws.getRow(1).getCell(c + 1).value);
        // exceljs leaves out a width of 9, its default, and reads it back as undefined.
        expect(col.width ?? 9, `${ws.name}!${header}`).toBeGreaterThanOrEqual(Math.min(48, header.length));
      });
    }
    const money = wb.getWorksheet("summary")!.getRow(2).getCell(11);
    expect(wb.getWorksheet("summary")!.getRow(1).getCell(11).value).toBe("revenue_usd");
    expect(money.numFmt).toBe("#,##0.00####");
  });

  it("is the same bytes for the same run, whatever the clock says", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2031-05-06T07:08:09Z"));
    const again = await r.workbook().finally(() => vi.useRealTimers());
    expect(Buffer.from(again)).toEqual(Buffer.from(files.get(WORKBOOK_FILE) as Uint8Array));
  });

  it("fleetsim run --xlsx: the same CSV files as without it, and results.xlsx in the manifest", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-xlsx-run-"));
    const args = ["run", "scenarios/validation/mmc-rho-0.5.yaml", "--horizon", "10m", "--quiet"];
    expect(cli([...args, "--out", join(dir, "plain")]).status).toBe(0);
    const x = cli([...args, "--xlsx", "--out", join(dir, "xlsx")]);
    expect(x.stderr).toBe("");
    const plain = readdirSync(join(dir, "plain")).filter((f) => f.endsWith(".csv"));
    expect(plain.length).toBe(8);
    for (const f of plain)
      expect(readFileSync(join(dir, "xlsx", f)), f).toEqual(readFileSync(join(dir, "plain", f)));
    const manifest = JSON.parse(readFileSync(join(dir, "xlsx", "fleetsim.json"), "utf8"));
    expect(manifest.files).toContain(WORKBOOK_FILE);
    expect(readdirSync(join(dir, "xlsx")).sort()).toEqual([...manifest.files, "fleetsim.json"].sort());
  });

  it("a table longer than a worksheet holds is refused, naming --xlsx", async () => {
    const rows = { length: MAX_SHEET_ROWS + 1 } as unknown as never[];
    await expect(workbookBytes([{ name: "timeseries", columns: ["a"], rows }])).rejects.toThrow(
      /^--xlsx: timeseries has 1048576 rows, more than a worksheet holds/,
    );
  });
});
