/** JSON Schema of the scenario file, from the same zod schema the loader validates with. */
import { z } from "zod";
import { scenarioSchema } from "./schema/scenario.js";

export function scenarioJsonSchema(): object {
  const schema = z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any" });
  return {
    ...schema,
    title: "fleetsim scenario",
  };
}

/** The text of scenario.schema.json at the package root. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
