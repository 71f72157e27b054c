/**
 * What LibreOffice makes of our files, converted headless to flat OpenDocument (.fods) and read
 * cell by cell: results.xlsx keeps every sheet, period_start as a date at the CSV's UTC instant and
 * numbers as numbers equal to the CSV's; the semicolon-comma CSV, imported with German settings,
 * gives numbers where the default CSV gives text. Skips only when `soffice` is not installed
 * (.ci/run installs libreoffice-calc-nogui).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/index.js";
import { WORKBOOK_FILE } from "../../src/output/workbook.js";
import { resultTables } from "../../src/output/write-results.js";
import { scenarioPath } from "../support/run-scenario.js";

const HAS_SOFFICE = spawnSync("soffice", ["--version"], { encoding: "utf8" }).status === 0;
const PLAIN = /^-?\d+(\.\d+)?$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
/** LibreOffice's CSV import options: separator, quote, UTF-8, from line 1, no column types, German. */
const GERMAN_SEMICOLON_CSV = "CSV:59,34,76,1,,1031";
const GERMAN_COMMA_CSV = "CSV:44,34,76,1,,1031";

interface OdsCell {
  type: string | undefined;
  value: string | undefined;
  date: string | undefined;
  text: string;
}

const attr = (attrs: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs)?.[1];
const xmlText = (s: string) =>
  s
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The tables of a flat ODS file: rows of cells, repeats expanded, trailing empty cells and rows dropped. */
function readFods(file: string): Map<string, OdsCell[][]> {
  const xml = readFileSync(file, "utf8");
  const tables = new Map<string, OdsCell[][]>();
  for (const t of xml.matchAll(/<table:table table:name="([^"]*)"[^>]*>([\s\S]*?)<\/table:table>/g)) {
    const rows: OdsCell[][] = [];
    for (const r of t[2].matchAll(/<table:table-row\b[^>]*?(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
      const cells: OdsCell[] = [];
      for (const c of (r[1] ?? "").matchAll(
        /<table:table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g,
      )) {
        const cell = {
          type: attr(c[1], "office:value-type"),
          value: attr(c[1], "office:value"),
          date: attr(c[1], "office:date-value"),
          text: [...(c[2] ?? "").matchAll(/<text:p>([\s\S]*?)<\/text:p>/g)]
            .map((p) => xmlText(p[1]))
            .join("\n"),
        };
        const repeat = Number(attr(c[1], "table:number-columns-repeated") ?? 1);
        for (let k = 0; k < Math.min(repeat, 1000); k++) cells.push(cell);
      }
      while (cells.length > 0 && cells[cells.length - 1].type === undefined) cells.pop();
      if (cells.length > 0) rows.push(cells);
    }
    tables.set(t[1], rows);
  }
  return tables;
}

/** The instant of an ODS date-value read as UTC wall time. */
const utcInstant = (d: string) => Date.parse(d.includes("T") ? `${d}Z` : `${d}T00:00:00Z`);

/** Converts `files` (in `dir`) to .fods in `dir`/fods with a private LibreOffice profile. */
function toFods(dir: string, files: string[], infilter?: string): void {
  const profile = pathToFileURL(join(dir, "lo-profile")).href;
  const args = [`-env:UserInstallation=${profile}`, "--headless"];
  if (infilter) args.push(`--infilter=${infilter}`);
  args.push("--convert-to", "fods", "--outdir", join(dir, "fods"), ...files.map((f) => join(dir, f)));
  const r = spawnSync("soffice", args, { encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
}

describe.skipIf(!HAS_SOFFICE)("LibreOffice (headless) reads fleetsim's spreadsheets", () => {
  let dir: string;
  let csv: Map<string, string[][]>;
  let names: string[];

  beforeAll(async () => {
    const s = await loadScenario(scenarioPath("scenarios/price-war.yaml"), {
      horizon: "2h",
      set: ["report_interval=30m"],
    });
    const r = await runScenario(s);
    dir = mkdtempSync(join(tmpdir(), "fleetsim-lo-"));
    mkdirSync(join(dir, "semi"));
    const files = new Map<string, string | Uint8Array>(r.files());
    files.set(WORKBOOK_FILE, await r.workbook());
    for (const [name, content] of files) writeFileSync(join(dir, name), content);
    const semi = r.files({ dialect: "semicolon-comma" });
    for (const [name, content] of semi) writeFileSync(join(dir, "semi", name), content);
    names = resultTables(r.run, r.financials, r.summary).map((t) => t.name);
    csv = new Map(names.map((n) => [n, parse(files.get(`${n}.csv`) as string) as string[][]]));
  }, 60_000);

  it("results.xlsx: every sheet; period_start a date at the CSV's UTC instant; numbers equal to the CSV's", () => {
    toFods(dir, [WORKBOOK_FILE]);
    const ods = readFods(join(dir, "fods", "results.fods"));
    expect([...ods.keys()]).toEqual(names);
    let dates = 0;
    let numbers = 0;
    for (const name of names) {
      const rows = ods.get(name)!;
      const want = csv.get(name)!;
      expect(rows.length, name).toBe(want.length);
      want.forEach((row, i) => {
        row.forEach((text, c) => {
          const got = rows[i][c];
          const where = `${name}!${want[0][c]} row ${i + 1}`;
          if (i === 0) expect(got.text, where).toBe(text);
          else if (text === "") expect(got?.type, where).toBeUndefined();
          else if (ISO.test(text)) {
            expect(got.type, where).toBe("date");
            // A date cell has no zone: it holds the UTC wall time (a midnight without its time).
            expect(utcInstant(got.date!), where).toBe(Date.parse(text));
            dates++;
          } else if (PLAIN.test(text)) {
            expect(got.type, where).toBe("float");
            expect(Number(got.value), where).toBe(Number(text));
            numbers++;
          } else {
            expect(got.type, where).toBe("string");
            expect(got.text, where).toBe(text);
          }
        });
      });
    }
    const period = csv.get("timeseries")![0].indexOf("period_start");
    expect(ods.get("timeseries")![1][period]).toMatchObject({ type: "date", date: "2024-07-01" });
    expect(ods.get("timeseries")!.at(-1)![period]).toMatchObject({
      type: "date",
      date: "2024-07-01T01:30:00",
    });
    expect(dates).toBeGreaterThanOrEqual(16);
    expect(numbers).toBeGreaterThan(500);
  }, 120_000);

  it("the semicolon-comma CSV imports as numbers under German settings; the default CSV does not", () => {
    toFods(join(dir, "semi"), ["timeseries.csv", "revenue_by_model.csv"], GERMAN_SEMICOLON_CSV);
    toFods(dir, ["timeseries.csv"], GERMAN_COMMA_CSV);
    for (const name of ["timeseries", "revenue_by_model"]) {
      const rows = readFods(join(dir, "semi", "fods", `${name}.fods`))
        .values()
        .next().value!;
      const want = csv.get(name)!;
      expect(rows.length, name).toBe(want.length);
      let decimals = 0;
      want.slice(1).forEach((row, i) => {
        row.forEach((text, c) => {
          if (!PLAIN.test(text)) return;
          const where = `${name}!${want[0][c]} row ${i + 2}`;
          expect(rows[i + 1][c].type, where).toBe("float");
          expect(Number(rows[i + 1][c].value), where).toBe(Number(text));
          if (text.includes(".")) decimals++;
        });
      });
      expect(decimals, name).toBeGreaterThan(10);
    }
    // The default file under the same settings: its decimals are not numbers.
    const rfc = readFods(join(dir, "fods", "timeseries.fods"))
      .values()
      .next().value!;
    const want = csv.get("timeseries")!;
    const fractional = want[1].findIndex((t) => /^\d+\.\d+$/.test(t));
    expect(rfc[1][fractional].type).not.toBe("float");
  }, 120_000);
});
