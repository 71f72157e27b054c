import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema, scenarioJsonSchemaText } from "../../src/scenario/json-schema.js";
import { packageRoot } from "../../src/scenario/package-root.js";

type Schema = { properties: Record<string, Schema & Record<string, unknown>>; [k: string]: unknown };

describe("scenario.schema.json", () => {
  it("is up to date with the loader's schema (regenerate it with scenarioJsonSchemaText())", () => {
    const committed = readFileSync(join(packageRoot(), "scenario.schema.json"), "utf8");
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it("describes fields, rejects unknown keys and shows the input forms of durations", () => {
    const schema = scenarioJsonSchema() as Schema;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["name", "horizon", "fleet"]);
    expect(schema.properties.seed).toMatchObject({
      default: 1,
      description: expect.stringContaining("Seed"),
    });
    const horizon = schema.properties.horizon as unknown as {
      anyOf: Array<{ type: string; pattern?: string }>;
    };
    expect(horizon.anyOf.map((a) => a.type)).toEqual(["number", "string"]);
    const pattern = new RegExp(horizon.anyOf[1].pattern!);
    for (const ok of ["90s", "1.5h", "2w", "1mo", "30"]) expect(pattern.test(ok)).toBe(true);
    expect(pattern.test("7x")).toBe(false);
  });
});
