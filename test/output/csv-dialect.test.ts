/**
 * The CSV writer's text rules and dialects: ids and names written as they are (validation keeps
 * every one from starting a formula), the formula guard on free text only, and the
 * semicolon-comma dialect, which changes the separator and the decimal mark and nothing else.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  formatCell,
  freeText,
  guardFreeText,
  int,
  money,
  num,
  text,
  time,
  toCsv,
} from "../../src/output/csv.js";
import { csvText } from "../../src/sweep/sweep-csv.js";
import { cli } from "../support/cli.js";
import { repoRoot } from "../support/run-scenario.js";

const SEMI = { dialect: "semicolon-comma" } as const;

describe("text cells", () => {
  it("ids and names are written as they are", () => {
    for (const v of ["maia-1", "gpt-4o", 'Contoso, "Bank"; EU', "ünï 1", "_x"]) {
      expect(formatCell(text(v))).toBe(v);
    }
  });

  it("free text that a spreadsheet would run as a formula gets a leading apostrophe", () => {
    for (const v of ["=1+1", "+maia", "-x", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      expect(guardFreeText(v)).toBe(`'${v}`);
      expect(formatCell(freeText(v))).toBe(`'${v}`);
    }
    // A plain number is read as that number, not run: left alone (a --vary value of -5).
    for (const v of ["-5", "-0.25", "12", "a=b", "x-1", ""]) expect(guardFreeText(v)).toBe(v);
  });
});

describe("the semicolon-comma dialect", () => {
  const table = {
    columns: ["id", "n", "usd", "frac", "at"],
    rows: [
      [text("a;b"), int(-12), money(-1_500_000), num(0.125, 4), time(Date.UTC(2025, 0, 2, 3))],
      [text('say "hi", ok'), int(0), money(7), num(null), time(0)],
    ],
  };

  it("writes ';' between fields and ',' as the decimal mark; quotes what holds ';'", () => {
    expect(toCsv(table, SEMI)).toBe(
      "id;n;usd;frac;at\r\n" +
        '"a;b";-12;-1,500000;0,1250;2025-01-02T03:00:00Z\r\n' +
        '"say ""hi"", ok";0;0,000007;;1970-01-01T00:00:00Z\r\n',
    );
    expect(toCsv(table, { ...SEMI, bom: true }).startsWith("\uFEFFid;n;")).toBe(true);
  });

  it("the default is RFC 4180 with '.' (unchanged)", () => {
    expect(toCsv(table)).toBe(
      "id,n,usd,frac,at\r\n" +
        "a;b,-12,-1.500000,0.1250,2025-01-02T03:00:00Z\r\n" +
        '"say ""hi"", ok",0,0.000007,,1970-01-01T00:00:00Z\r\n',
    );
  });

  it("a sweep's text table: numbers take the comma, the scenario column stays text", () => {
    const t = { columns: ["run", "scenario", "x", "usd"], rows: [["0", "2025.1", "0.5", "-3.250000"]] };
    expect(csvText(t, SEMI)).toBe("run;scenario;x;usd\r\n0;2025.1;0,5;-3,250000\r\n");
    expect(csvText(t)).toBe("run,scenario,x,usd\r\n0,2025.1,0.5,-3.250000\r\n");
  });
});

/** price-war with a tenant and a pool whose ids hold the separators, quotes and non-ASCII letters. */
const TENANT = 'Contoso, "Bank"; EU';
const POOL = "pool ünï 1";
function oddIdsScenario(dir: string): string {
  const yaml = readFileSync(join(repoRoot, "scenarios/price-war.yaml"), "utf8")
    .replaceAll("contoso-bank", `'${TENANT.replaceAll("'", "''")}'`)
    .replaceAll("us-h100", `'${POOL}'`);
  const file = join(dir, "odd-ids.yaml");
  writeFileSync(file, yaml);
  return file;
}

const column = (csv: string, name: string, delimiter: string): string[] => {
  const [header, ...rows] = parse(csv, { delimiter, bom: true }) as string[][];
  const i = header.indexOf(name);
  expect(i, name).toBeGreaterThanOrEqual(0);
  return rows.map((r) => r[i]);
};

describe("ids round-trip through every CSV, in both dialects", () => {
  it("tenant and pool ids come back exactly as the scenario spells them; the dialects differ only in separator and decimal mark", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-ids-"));
    const file = oddIdsScenario(dir);
    const common = ["--horizon", "1h", "--quiet", "--requests-sample", "0.05"];
    const rfc = cli(["run", file, "--out", join(dir, "rfc"), ...common]);
    expect(rfc.status, rfc.stderr).toBe(0);
    const semi = cli([
      "run",
      file,
      "--out",
      join(dir, "semi"),
      "--csv-dialect",
      "semicolon-comma",
      ...common,
    ]);
    expect(semi.status, semi.stderr).toBe(0);
    const read = (d: string, f: string) => readFileSync(join(dir, d, f), "utf8");

    for (const [d, sep] of [
      ["rfc", ","],
      ["semi", ";"],
    ] as const) {
      expect(new Set(column(read(d, "tenants.csv"), "tenant", sep))).toContain(TENANT);
      expect(new Set(column(read(d, "requests.csv"), "tenant", sep))).toContain(TENANT);
      expect(new Set(column(read(d, "timeseries.csv"), "pool", sep))).toContain(POOL);
      expect(new Set(column(read(d, "capacity.csv"), "pool", sep))).toContain(POOL);
      expect(new Set(column(read(d, "margin.csv"), "pool", sep))).toContain(POOL);
      expect(new Set(column(read(d, "requests.csv"), "pool", sep))).toContain(POOL);
    }

    // Cell by cell: the semicolon-comma file is the RFC 4180 one with ',' for '.' in its numbers.
    const PLAIN = /^-?\d+(\.\d+)?$/;
    const files = ["summary.csv", "timeseries.csv", "revenue_by_model.csv", "tenants.csv", "margin.csv"];
    for (const f of [...files, "capacity.csv", "models.csv", "requests.csv"]) {
      const a = parse(read("rfc", f)) as string[][];
      const b = parse(read("semi", f), { delimiter: ";" }) as string[][];
      expect(b.length, f).toBe(a.length);
      let decimals = 0;
      a.forEach((row, r) => {
        row.forEach((cell, c) => {
          const number = r > 0 && PLAIN.test(cell);
          if (number && cell.includes(".")) decimals++;
          expect(b[r][c], `${f} row ${r} col ${c}`).toBe(number ? cell.replace(".", ",") : cell);
        });
      });
      expect(decimals, f).toBeGreaterThan(0);
    }
  });
});

describe("--csv-dialect on a sweep", () => {
  it("a shard refuses it (merge reads shards back): the flag is named, nothing is written", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-shard-"));
    const out = join(dir, "s");
    const r = cli([
      "sweep",
      "scenarios/validation/mmc-rho-0.5.yaml",
      "--vary",
      "seed=1,2",
      "--seeds",
      "1",
      "--shard",
      "1/2",
      "--csv-dialect",
      "semicolon-comma",
      "--out",
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--csv-dialect: a shard's summary\.csv is read back by fleetsim merge/);
    expect(existsSync(out)).toBe(false);
  });
});
