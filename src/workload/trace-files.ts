/**
 * Streamed raw records of a trace file, one at a time with their 1-based line numbers, holding
 * only a chunk of the file in memory: CSV through csv-parse's streaming parser, JSON Lines
 * through a small line splitter. Each yields the three fields a trace needs, unvalidated.
 */
import { createReadStream, type ReadStream } from "node:fs";
import { type Parser, parse } from "csv-parse";
import { InputError, showValue } from "../errors.js";
import type { TraceOptions } from "../scenario/types.js";

export interface RawTraceRow {
  line: number;
  timestamp: unknown;
  prompt: unknown;
  output: unknown;
  /** The prefix-block hash ids (JSON Lines with a prefix column), or undefined. */
  prefix?: unknown;
}

export interface RawTraceRecords {
  /** Fills `row` with the next record; false at the end of the file. */
  next(row: RawTraceRow): Promise<boolean>;
  close(): void;
}

export async function openTraceRecords(opts: TraceOptions): Promise<RawTraceRecords> {
  return opts.format === "jsonl" ? new JsonlRecords(opts) : CsvRecords.open(opts);
}

/** A read error of the file itself (missing, unreadable) as an InputError. */
function readError(file: string, e: unknown): InputError {
  const err = e as NodeJS.ErrnoException & { lines?: number };
  if (err instanceof InputError) return err;
  if (err.code === "ENOENT") return new InputError({ file, message: "trace file not found" });
  if (typeof err.code === "string" && err.code.startsWith("CSV_")) {
    return new InputError({ file, line: err.lines, message: `not a valid CSV file: ${err.message}` });
  }
  return new InputError({ file, message: `cannot read the trace: ${err.message}` });
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

class CsvRecords implements RawTraceRecords {
  private constructor(
    private readonly file: string,
    private readonly input: ReadStream,
    private readonly parser: Parser,
    private readonly it: AsyncIterator<CsvRecord>,
    private readonly columns: [number, number, number],
  ) {}

  static async open(opts: TraceOptions): Promise<CsvRecords> {
    const parser = parse({ info: true, bom: true, trim: true, skip_empty_lines: true });
    const input = createReadStream(opts.file);
    input.on("error", (e) => parser.destroy(e));
    input.pipe(parser);
    const it = parser[Symbol.asyncIterator]() as AsyncIterator<CsvRecord>;
    let first: IteratorResult<CsvRecord>;
    try {
      first = await it.next();
    } catch (e) {
      throw readError(opts.file, e);
    }
    const header = first.done ? [] : first.value.record;
    const index = (name: string): number => {
      const i = header.indexOf(name);
      if (i < 0) {
        parser.destroy();
        input.destroy();
        const has = header.length
          ? `the header has ${header.map((h) => showValue(h)).join(", ")}`
          : "no header";
        throw new InputError({ file: opts.file, line: 1, path: name, message: `no such column; ${has}` });
      }
      return i;
    };
    const columns: [number, number, number] = [
      index(opts.timestampColumn),
      index(opts.promptColumn),
      index(opts.outputColumn),
    ];
    return new CsvRecords(opts.file, input, parser, it, columns);
  }

  async next(row: RawTraceRow): Promise<boolean> {
    let r: IteratorResult<CsvRecord>;
    try {
      r = await this.it.next();
    } catch (e) {
      throw readError(this.file, e);
    }
    if (r.done) return false;
    const rec = r.value.record;
    row.line = r.value.info.lines;
    row.timestamp = rec[this.columns[0]];
    row.prompt = rec[this.columns[1]];
    row.output = rec[this.columns[2]];
    return true;
  }

  close(): void {
    this.parser.destroy();
    this.input.destroy();
  }
}

class JsonlRecords implements RawTraceRecords {
  private readonly input: ReadStream;
  private readonly chunks: AsyncIterator<string>;
  /** The first chunk, asked for at once so an open error is caught by the iterator. */
  private pending: Promise<IteratorResult<string>> | null;
  private lines: string[] = [];
  private index = 0;
  private rest = "";
  private eof = false;
  private lineNo = 0;

  constructor(private readonly opts: TraceOptions) {
    this.input = createReadStream(opts.file, { encoding: "utf8" });
    this.chunks = this.input[Symbol.asyncIterator]() as AsyncIterator<string>;
    this.pending = this.chunks.next();
    // Handled when awaited in nextLine(); this keeps an early failure from going unhandled.
    this.pending.catch(() => {});
  }

  /** The next line without its end-of-line, or null at the end of the file. */
  private async nextLine(): Promise<string | null> {
    while (this.index >= this.lines.length) {
      if (this.eof) return null;
      let r: IteratorResult<string>;
      try {
        r = await (this.pending ?? this.chunks.next());
        this.pending = null;
      } catch (e) {
        throw readError(this.opts.file, e);
      }
      if (r.done) {
        this.eof = true;
        this.lines = this.rest === "" ? [] : [this.rest];
        this.rest = "";
      } else {
        const parts = (this.rest + r.value).split("\n");
        this.rest = parts.pop() ?? "";
        this.lines = parts;
      }
      this.index = 0;
    }
    this.lineNo++;
    let s = this.lines[this.index++];
    if (s.endsWith("\r")) s = s.slice(0, -1);
    if (this.lineNo === 1 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    return s;
  }

  async next(row: RawTraceRow): Promise<boolean> {
    for (;;) {
      const text = await this.nextLine();
      if (text === null) return false;
      if (text.trim() === "") continue;
      const line = this.lineNo;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        throw new InputError({
          file: this.opts.file,
          line,
          message: `not a JSON object: ${(e as Error).message}`,
        });
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
        throw new InputError({
          file: this.opts.file,
          line,
          message: `must be a JSON object, got ${showValue(obj)}`,
        });
      }
      const rec = obj as Record<string, unknown>;
      for (const key of [this.opts.timestampColumn, this.opts.promptColumn, this.opts.outputColumn]) {
        if (!(key in rec))
          throw new InputError({ file: this.opts.file, line, path: key, message: "missing" });
      }
      row.line = line;
      row.timestamp = rec[this.opts.timestampColumn];
      row.prompt = rec[this.opts.promptColumn];
      row.output = rec[this.opts.outputColumn];
      const pc = this.opts.prefixColumn;
      row.prefix = pc === null ? undefined : rec[pc];
      return true;
    }
  }

  close(): void {
    this.input.destroy();
  }
}
