/** The library's scenario entry points: load a scenario file, check it as `fleetsim validate` does, its JSON Schema. */
import { checkScenario } from "../run/preflight.js";
import { type LoadOptions, loadScenario } from "../scenario/load.js";

export { scenarioJsonSchema } from "../scenario/json-schema.js";
export { type LoadOptions, loadScenario } from "../scenario/load.js";
export type { Scenario } from "../scenario/types.js";

/**
 * Loads and checks a scenario file as `fleetsim validate` does, including the pre-run checks
 * (fleet layout, memory and money bounds). Resolves with the scenario and its estimated size;
 * rejects with an InputError listing every problem (file, line, field).
 */
export async function validateScenario(file: string, opts: LoadOptions = {}) {
  const scenario = await loadScenario(file, opts);
  const estimate = await checkScenario(scenario);
  return { scenario, estimate };
}
