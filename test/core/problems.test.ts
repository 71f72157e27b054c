/**
 * The problem list (src/scenario/problems.ts): every problem of a load reported at once, in the
 * order a reader goes through the files: files in the order they were first met, then by line
 * (problems without a line after those with one), then in the order found.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, type InputProblem } from "../../src/errors.js";
import {
  checkUniqueIds,
  duplicate,
  fileLocator,
  type Locator,
  ProblemList,
  sortProblems,
} from "../../src/scenario/problems.js";

function thrown(list: ProblemList): InputProblem[] {
  try {
    list.throwIfAny();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("sortProblems", () => {
  it("orders files by first appearance, lines ascending, lineless last, ties as found", () => {
    const p = (file: string, line: number | undefined, message: string): InputProblem =>
      line === undefined ? { file, message } : { file, line, message };
    const found = [
      p("b.yaml", 9, "b9"),
      p("a.yaml", 3, "a3"),
      p("b.yaml", undefined, "b-"),
      p("b.yaml", 2, "b2"),
      p("c.yaml", 1, "c1"),
      p("a.yaml", 1, "a1"),
      p("b.yaml", 2, "b2'"),
      p("a.yaml", undefined, "a-"),
      p("b.yaml", undefined, "b-'"),
      p("a.yaml", 12, "a12"),
    ];
    expect(sortProblems(found).map((x) => x.message)).toEqual([
      "b2",
      "b2'",
      "b9",
      "b-",
      "b-'",
      "a1",
      "a3",
      "a12",
      "a-",
      "c1",
    ]);
    // The input is left as it was.
    expect(found[0].message).toBe("b9");
  });

  it("agrees with a stable sort by (first appearance of the file, line or infinity) on any input", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            file: fc.constantFrom("a", "b", "c", "d"),
            line: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          }),
          { maxLength: 40 },
        ),
        (raw) => {
          const problems: InputProblem[] = raw.map((r, i) =>
            r.line === undefined
              ? { file: r.file, message: `${i}` }
              : { file: r.file, line: r.line, message: `${i}` },
          );
          const firstSeen = (f: string) => problems.findIndex((x) => x.file === f);
          // Insertion sort: stable by construction, independent of Array.prototype.sort.
          const expected: InputProblem[] = [];
          for (const x of problems) {
            const key = (y: InputProblem) => [firstSeen(y.file), y.line ?? Number.POSITIVE_INFINITY];
            let at = expected.length;
            while (at > 0) {
              const [fa, la] = key(expected[at - 1]);
              const [fb, lb] = key(x);
              if (fa < fb || (fa === fb && la <= lb)) break;
              at--;
            }
            expected.splice(at, 0, x);
          }
          expect(sortProblems(problems)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ProblemList", () => {
  const lines = { "": 1, fleet: 3, "fleet.pools": 4, "fleet.pools.0": 5, "fleet.pools.0.id": 5 };

  it("places each problem at its field's line (or its nearest parent's) with the dotted path", () => {
    const list = new ProblemList(fileLocator("s.yaml", lines));
    expect(list.size).toBe(0);
    list.throwIfAny(); // nothing to report: no throw
    list.add(["fleet", "pools", 0, "nodes"], "must be >= 0, got -1");
    list.add(["fleet", "pools", 0, "id"], "must not be empty");
    list.add([], "the file is odd");
    expect(list.size).toBe(3);
    expect(list.lineOf(["fleet", "pools", 0, "id"])).toBe(5);
    expect(list.lineOf(["fleet"])).toBe(3);
    expect(thrown(list)).toEqual([
      { file: "s.yaml", line: 1, message: "the file is odd" },
      { file: "s.yaml", line: 5, path: "fleet.pools.0.nodes", message: "must be >= 0, got -1" },
      { file: "s.yaml", line: 5, path: "fleet.pools.0.id", message: "must not be empty" },
    ]);
  });

  it("leaves out what the locator does not know, and the path when it would repeat a flag", () => {
    const locate: Locator = (path) =>
      path[0] === "horizon" ? { file: "--horizon", hidePath: true } : { file: "other.yaml" };
    const list = new ProblemList(locate);
    list.add(["horizon"], "must be > 0");
    list.add(["tenants", 0], "is odd");
    const problems = thrown(list);
    expect(problems).toEqual([
      { file: "--horizon", message: "must be > 0" },
      { file: "other.yaml", path: "tenants.0", message: "is odd" },
    ]);
    expect("line" in problems[0]).toBe(false);
    expect("path" in problems[0]).toBe(false);
    expect(list.lineOf(["tenants"])).toBeUndefined();
    expect(fileLocator("x.yaml", {})(["a"])).toEqual({ file: "x.yaml", line: undefined });
  });

  it("reports problems across files in the order the files were met", () => {
    const locate: Locator = (path) => ({ file: String(path[0]), line: Number(path[1]) });
    const list = new ProblemList(locate);
    list.add(["profile.yaml", 7], "p7");
    list.add(["scenario.yaml", 2], "s2");
    list.add(["profile.yaml", 3], "p3");
    expect(thrown(list).map((p) => p.message)).toEqual(["p3", "p7", "s2"]);
  });
});

describe("duplicate ids", () => {
  it("words the message with and without the first line", () => {
    expect(duplicate("acme", 4)).toBe('duplicate id "acme" (first at line 4)');
    expect(duplicate("acme", undefined)).toBe('duplicate id "acme"');
  });

  it("reports every repeat, pointing at the first, and nothing for unique ids", () => {
    const lines = { "pools.0.id": 2, "pools.1.id": 5, "pools.2.id": 8, "pools.3.id": 11 };
    const list = new ProblemList(fileLocator("s.yaml", lines));
    checkUniqueIds(list, [
      { id: "a", path: ["pools", 0, "id"] },
      { id: "b", path: ["pools", 1, "id"] },
      { id: "a", path: ["pools", 2, "id"] },
      { id: "a", path: ["pools", 3, "id"] },
    ]);
    expect(thrown(list)).toEqual([
      { file: "s.yaml", line: 8, path: "pools.2.id", message: 'duplicate id "a" (first at line 2)' },
      { file: "s.yaml", line: 11, path: "pools.3.id", message: 'duplicate id "a" (first at line 2)' },
    ]);
    const none = new ProblemList(fileLocator("s.yaml", lines));
    checkUniqueIds(none, [
      { id: "a", path: ["pools", 0, "id"] },
      { id: "b", path: ["pools", 1, "id"] },
    ]);
    expect(none.size).toBe(0);
  });
});
