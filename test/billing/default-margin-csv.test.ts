/**
 * The default scenario's margin.csv read as a spreadsheet would: every numeric column holds plain
 * numbers (no exponent, no thousands separator, no NaN), money with six decimals, and no text cell
 * that a spreadsheet would run as a formula.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runScenario } from "../support/run-scenario.js";
import { micro } from "./csv-helpers.js";

const PLAIN = /^-?\d+(\.\d+)?$/;
const FORMULA = /^[=+\-@\t\r]/;
const TEXT = new Set(["pool", "profile", "kind", "region"]);

describe("margin.csv of the default scenario", () => {
  it("opens as plain numbers and harmless text", async () => {
    const r = await runScenario("scenarios/multi-model-2025.yaml");
    const text = r.files().get("margin.csv")!;
    const [header, ...rows] = parse(text, { bom: true }) as string[][];
    expect(rows.length).toBe(r.scenario.fleet.pools.length);
    for (const row of rows) {
      expect(row.length).toBe(header.length);
      row.forEach((cell, i) => {
        const column = header[i];
        if (TEXT.has(column)) {
          expect(cell, column).not.toMatch(FORMULA);
          expect(cell.length, column).toBeGreaterThan(0);
        } else {
          expect(cell, `${column} = ${cell}`).toMatch(PLAIN);
          if (column.endsWith("_usd")) expect(() => micro(cell)).not.toThrow();
        }
      });
    }
    // What a spreadsheet's column sum would show: the summary's revenue and cost.
    const col = (name: string) => header.indexOf(name);
    const sum = (name: string) => rows.reduce((a, row) => a + micro(row[col(name)]), 0);
    expect(sum("revenue_usd")).toBe(r.summary.revenue);
    expect(sum("cost_usd")).toBe(r.summary.cost);
    // With cast on, every non-text cell parses to a finite number.
    const cast = parse(text, { bom: true, cast: true, from_line: 2 }) as unknown[][];
    for (const row of cast) {
      row.forEach((v, i) => {
        if (!TEXT.has(header[i])) expect(Number.isFinite(v), header[i]).toBe(true);
      });
    }
  });
});
