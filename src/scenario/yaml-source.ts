/**
 * Reads one YAML file into plain data plus a map of where each field sits (dotted path -> line),
 * turning every YAML-level problem (syntax, duplicate key, alias bomb, empty file) into an
 * InputError that names the file and line.
 */
import { readFileSync } from "node:fs";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { InputError, systemReason } from "../errors.js";

/** Aliases expanded per document: generous for hand-written files, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 1000;

export type FieldPath = ReadonlyArray<string | number>;

export interface YamlSource {
  /** Path as given (used in messages). */
  file: string;
  bytes: Buffer;
  data: unknown;
  /** Dotted path -> 1-based line of the field (of the key for mapping entries). */
  lines: Record<string, number>;
}

export function dotted(path: FieldPath): string {
  return path.join(".");
}

/** Line of the field, or of its nearest parent that has one. */
export function lineOf(lines: Record<string, number>, path: FieldPath): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = lines[dotted(path.slice(0, n))];
    if (line !== undefined) return line;
  }
  return undefined;
}

export function readYamlFile(file: string): YamlSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError({
      file,
      message:
        code === "ENOENT" ? "no such file" : `cannot read: ${systemReason(code) ?? "failed"} (${code})`,
    });
  }
  return parseYamlText(file, bytes);
}

export function parseYamlText(file: string, bytes: Buffer): YamlSource {
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, line: e.linePos?.[0].line, message: firstLine(e.message) })),
    );
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new InputError({ file, line: 1, message: "the file is empty" });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The yaml package refuses an alias expansion past maxAliasCount with a ReferenceError.
    const message = e instanceof Error ? e.message : String(e);
    throw new InputError({
      file,
      message: `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT}): ${firstLine(message)}`,
    });
  }
  const lines: Record<string, number> = {};
  collectLines(doc.contents as Node, [], lines, lineCounter);
  return { file, bytes, data, lines };
}

/** The yaml package's pretty messages add " at line L, column C:" and a code excerpt. */
function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function collectLines(node: Node, path: string[], lines: Record<string, number>, lc: LineCounter): void {
  const here = (offset: number | undefined) => (offset === undefined ? undefined : lc.linePos(offset).line);
  const line = here(node.range?.[0]);
  if (line !== undefined && lines[dotted(path)] === undefined) lines[dotted(path)] = line;
  if (isAlias(node)) return; // never walk into aliases: that is how a bomb explodes
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === "<<") continue; // merged keys have no line of their own
      const sub = [...path, key];
      const keyLine = here(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
      if (keyLine !== undefined) lines[dotted(sub)] = keyLine;
      if (pair.value && typeof pair.value === "object") collectLines(pair.value as Node, sub, lines, lc);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && typeof item === "object") collectLines(item as Node, [...path, String(i)], lines, lc);
    });
  }
}
