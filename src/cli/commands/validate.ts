/** `fleetsim validate`: load and check each scenario; `ok <file>` or its errors. */
import { InputError } from "../../errors.js";
import { checkScenario } from "../../run/preflight.js";
import { loadScenario } from "../../scenario/load.js";

export async function validateCommand(files: string[]): Promise<void> {
  const problems: InputError["problems"] = [];
  for (const f of files) {
    try {
      const s = await loadScenario(f);
      await checkScenario(s);
      process.stdout.write(`ok ${f}\n`);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}
