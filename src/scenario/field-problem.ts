/**
 * A problem in a scenario field found after loading (laying out the fleet, the planner, the fluid
 * mode): located as the loader locates one, at the `--set` that wrote the field (or a field that
 * holds it), else at the field's line in the scenario file.
 */
import type { InputProblem } from "../errors.js";
import { fromSet, SET_FILE } from "./set-overrides.js";
import type { Scenario } from "./types.js";

export function fieldProblem(
  s: Pick<Scenario, "file" | "lines" | "setPaths">,
  path: string,
  message: string,
): InputProblem {
  const inFile = s.lines[path] !== undefined;
  const keys = path.split(".");
  if (s.setPaths?.some((set) => fromSet(keys, set.split("."), inFile)))
    return { file: SET_FILE, path, message };
  return { file: s.file, line: s.lines[path], path, message };
}
