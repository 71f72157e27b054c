/**
 * Reads one YAML file into plain data plus a map of where each field sits (dotted path -> line),
 * turning every YAML-level problem (syntax, duplicate key, alias bomb, empty file) into an
 * InputError that names the file and line. Hostile input is refused before it can do harm: files
 * that are not regular files or are larger than MAX_YAML_BYTES are not read, bytes that are not
 * UTF-8, tags other than YAML's plain ones (`!include`, `!!binary`, ...), aliases of no anchor,
 * keys that are not plain values and the keys `__proto__`, `constructor` and `prototype` are each
 * reported with their line.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import { InputError, type InputProblem, systemReason } from "../errors.js";

/** Aliases expanded per document: generous for hand-written files, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 1000;

/**
 * Largest scenario, profile or catalog file read, bytes. The biggest shipped file is under 10 KB;
 * a scenario with a thousand workloads is about 300 KB. Traces are CSV/JSONL files, not YAML.
 */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

/**
 * Keys refused anywhere in a file and in `--set` paths: in JavaScript they reach an object's
 * prototype, and no field of the format has these names.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export const forbiddenKeyMessage = (key: string) =>
  `the key ${JSON.stringify(key)} is not allowed (no field has this name, and it would reach a JavaScript prototype)`;

/** Lists and mappings inside each other: the format needs under 10 levels; deeper is refused. */
export const MAX_YAML_DEPTH = 100;

/** The tags of plain YAML data: everything else (`!include`, `!!binary`, `!!set`, ...) is refused. */
const PLAIN_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`),
);

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

/** What a path is when it is not a regular file, for the message refusing it. */
function notAFile(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return "a folder";
  if (st.isFIFO()) return "a pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  return "a device";
}

function cannotRead(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const message =
    code === "ENOENT" ? "no such file" : `cannot read: ${systemReason(code) ?? "failed"} (${code})`;
  return new InputError({ file, message });
}

/**
 * The bytes of a YAML file, refusing before reading anything that is not a regular file (a folder,
 * a FIFO that would block, /dev/zero that never ends) or is larger than MAX_YAML_BYTES.
 */
export function readYamlBytes(file: string): Buffer {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputError({ file, message: `is ${notAFile(st)}, not a regular file` });
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw cannotRead(file, e);
  }
  const tooLarge = (n: string) =>
    new InputError({
      file,
      message: `the file is ${n} bytes, larger than the limit of ${MAX_YAML_BYTES} bytes`,
    });
  if (size > MAX_YAML_BYTES) throw tooLarge(String(size));
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw cannotRead(file, e);
  }
  try {
    // Stat again through the descriptor (the path may have been swapped) and never read past the limit.
    if (!fstatSync(fd).isFile()) throw new InputError({ file, message: "is not a regular file" });
    const buf = Buffer.alloc(MAX_YAML_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > MAX_YAML_BYTES) throw tooLarge(`more than ${MAX_YAML_BYTES}`);
    }
    return Buffer.from(buf.subarray(0, n));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw cannotRead(file, e);
  } finally {
    closeSync(fd);
  }
}

export function readYamlFile(file: string): YamlSource {
  return parseYamlText(file, readYamlBytes(file));
}

/** Byte offset of the first byte that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

export function parseYamlText(file: string, bytes: Buffer): YamlSource {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new InputError({
      file,
      line: lineAtByte(bytes, bad),
      message: `the file is not UTF-8 text: byte 0x${bytes[bad].toString(16).padStart(2, "0")} at offset ${bad} (save it as UTF-8)`,
    });
  }
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      uniqueErrors(doc.errors).map((e) => ({
        file,
        line: e.linePos?.[0].line,
        // The parser runs out of stack on lists or mappings nested thousands deep.
        message: /Maximum call stack/.test(e.message)
          ? `lists or mappings nest too deeply (more than ${MAX_YAML_DEPTH} levels)`
          : firstLine(e.message),
      })),
    );
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new InputError({ file, line: 1, message: "the file is empty" });
  }
  const hostile = hostileNodes(doc, file, lineCounter);
  if (hostile.length > 0) throw new InputError(hostile);
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
  // No prototype: a path such as "constructor" must never find Object.prototype.constructor.
  const lines: Record<string, number> = Object.create(null);
  collectLines(doc.contents as Node, [], lines, lineCounter);
  return { file, bytes, data, lines };
}

/**
 * Every tag that is not plain data, alias without an anchor, key that is not a plain value, and
 * forbidden key, with its line (warnings of the yaml package, such as an unresolved tag, included).
 */
function hostileNodes(doc: Document, file: string, lc: LineCounter): InputProblem[] {
  const out: InputProblem[] = [];
  const at = (node: Node | null | undefined, path: string[], message: string) => {
    const p: InputProblem = { file, message };
    const offset = node?.range?.[0];
    if (offset !== undefined) p.line = lc.linePos(offset).line;
    if (path.length > 0) p.path = dotted(path);
    out.push(p);
  };
  const walk = (node: unknown, path: string[]): void => {
    if (!node || typeof node !== "object") return;
    if (path.length > MAX_YAML_DEPTH && isCollection(node)) {
      at(
        node as Node,
        path.slice(0, 3),
        `lists or mappings nest too deeply (more than ${MAX_YAML_DEPTH} levels)`,
      );
      return;
    }
    if (isAlias(node)) {
      if (node.resolve(doc) === undefined) {
        at(node, path, `the alias *${node.source} has no anchor &${node.source} before it`);
      }
      return; // never walk into aliases: that is how a bomb explodes
    }
    const n = node as Node;
    if (n.tag !== undefined && !PLAIN_TAGS.has(n.tag)) {
      at(
        n,
        path,
        `the tag ${n.tag.replace(/^tag:yaml\.org,2002:/, "!!")} is not supported (plain YAML data only)`,
      );
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        const key = pair.key as Node | null;
        let sub = path;
        if (isScalar(key)) {
          const name = String(key.value);
          sub = [...path, name];
          if (FORBIDDEN_KEYS.has(name)) at(key, sub, forbiddenKeyMessage(name));
          walk(key, sub);
        } else if (isCollection(key) || isAlias(key)) {
          at(key, path, "a key must be a plain value, not a list, mapping or alias");
        }
        walk(pair.value, sub);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        walk(item, [...path, String(i)]);
      });
    }
  };
  walk(doc.contents, []);
  for (const w of doc.warnings) {
    if (w.code === "TAG_RESOLVE_FAILED") continue; // reported above from the node
    out.push({ file, line: w.linePos?.[0].line, message: firstLine(w.message) });
  }
  return out;
}

/** The parser's errors, each message once (running out of stack is reported at every level). */
function uniqueErrors<E extends { message: string }>(errors: E[]): E[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = /Maximum call stack/.test(e.message) ? "stack" : e.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
