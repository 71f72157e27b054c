/**
 * The import graph of src/: every .ts file and the src/ files it imports (static imports and
 * re-exports, `import type` included, and dynamic `import("...")` with a literal path), and the
 * packages each imports. node: built-ins are left out; a relative import that names no file is an
 * error (so a path the walk cannot read fails the test instead of hiding an edge).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** Module path relative to src/ (e.g. "run/simulate.ts") -> the modules it imports. */
export type ImportGraph = Map<string, string[]>;

/** The graph, and per module the packages it imports (node: built-ins left out). */
export interface SourceImports {
  graph: ImportGraph;
  packages: Map<string, string[]>;
}

/**
 * The module specifiers a TypeScript source names, in source order: TypeScript's own scanner
 * (the compiler is a dev dependency already), so comments and strings never count.
 */
export function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

export function sourceImports(srcDir: string): SourceImports {
  const graph: ImportGraph = new Map();
  const packages = new Map<string, string[]>();
  for (const file of tsFiles(srcDir).sort()) {
    const targets = new Set<string>();
    const used = new Set<string>();
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) {
        if (!spec.startsWith("node:")) used.add(spec);
        continue;
      }
      const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      if (!existsSync(target)) throw new Error(`${relative(srcDir, file)}: import "${spec}" names no file`);
      targets.add(relative(srcDir, target));
    }
    graph.set(relative(srcDir, file), [...targets].sort());
    packages.set(relative(srcDir, file), [...used].sort());
  }
  return { graph, packages };
}

/** The layer of a module: its top folder under src/, or "root" for src/*.ts. */
export function layerOf(module: string): string {
  const slash = module.indexOf("/");
  return slash < 0 ? "root" : module.slice(0, slash);
}

/** Every import cycle, each as the path a -> b -> ... -> a (one per strongly connected group). */
export function cycles(graph: ImportGraph): string[][] {
  // Tarjan's strongly connected components, then one cycle through each component of 2+ modules
  // (or a module importing itself).
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component = new Set<string>();
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.add(w);
      } while (w !== v);
      if (component.size > 1 || (graph.get(v) ?? []).includes(v)) found.push(cycleIn(graph, component, v));
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** A shortest path from `start` back to itself inside one strongly connected component. */
function cycleIn(graph: ImportGraph, component: Set<string>, start: string): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = from.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
