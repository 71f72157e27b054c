/** `fleetsim validate`: load and check each scenario; `ok <file>` or its errors. */
import { validateScenario } from "../../api/scenario.js";
import { InputError } from "../../errors.js";

export async function validateCommand(files: string[]): Promise<void> {
  const problems: InputError["problems"] = [];
  for (const f of files) {
    try {
      await validateScenario(f);
      process.stdout.write(`ok ${f}\n`);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}
