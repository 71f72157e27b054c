/**
 * Collects the problems of one load so that all of them are reported at once, each placed by a
 * Locator (which file, which line) from the dotted path of the field.
 */
import { InputError, type InputProblem } from "../errors.js";
import { dotted, type FieldPath, lineOf } from "./yaml-source.js";

export interface Location {
  file: string;
  line?: number;
  /** True when the path would only repeat the file (a command-line flag such as --horizon). */
  hidePath?: boolean;
}

export type Locator = (path: FieldPath) => Location;

/** The plain locator of one YAML file. */
export function fileLocator(file: string, lines: Record<string, number>): Locator {
  return (path) => ({ file, line: lineOf(lines, path) });
}

export class ProblemList {
  private readonly list: InputProblem[] = [];

  constructor(private readonly locate: Locator) {}

  add(path: FieldPath, message: string): void {
    const where = this.locate(path);
    const problem: InputProblem = { file: where.file, message };
    if (where.line !== undefined) problem.line = where.line;
    if (!where.hidePath && path.length > 0) problem.path = dotted(path);
    this.list.push(problem);
  }

  /** Line of a field as the locator sees it (for "first at line N" messages). */
  lineOf(path: FieldPath): number | undefined {
    return this.locate(path).line;
  }

  get size(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new InputError(sortProblems(this.list));
  }
}

/** Files in order of first appearance, then by line (problems without a line last), stable. */
export function sortProblems(problems: InputProblem[]): InputProblem[] {
  const fileOrder = new Map<string, number>();
  for (const p of problems) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        fileOrder.get(a.p.file)! - fileOrder.get(b.p.file)! ||
        (a.p.line ?? Number.MAX_SAFE_INTEGER) - (b.p.line ?? Number.MAX_SAFE_INTEGER) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

/** The message of a repeated id, pointing at the first one. */
export function duplicate(id: string, firstLine: number | undefined): string {
  return firstLine === undefined
    ? `duplicate id "${id}"`
    : `duplicate id "${id}" (first at line ${firstLine})`;
}

/** Reports every id seen before in `items` (each with the path of its id field). */
export function checkUniqueIds(problems: ProblemList, items: Array<{ id: string; path: FieldPath }>): void {
  const first = new Map<string, FieldPath>();
  for (const { id, path } of items) {
    const before = first.get(id);
    if (before) problems.add(path, duplicate(id, problems.lineOf(before)));
    else first.set(id, path);
  }
}
