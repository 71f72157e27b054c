/** `fleetsim schema`: the JSON Schema of scenario files, for editors. */
import { scenarioJsonSchema } from "../../api/scenario.js";

export function schemaCommand(): void {
  process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
}
