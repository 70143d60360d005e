/**
 * Records from files, streamed: JSON Lines, a JSON array, CSV (header row; cells are proto3 JSON scalars, nested
 * values JSON text) and Parquet. Each item is either a decoded record or a reject with its reasons and its place in
 * the file; a malformed line or row is a reject and the rest of the file is still read. `meter.bytes` follows the
 * bytes read, for progress.
 *
 * - JSON Lines: `line N`; a line that is not JSON is a reject (blank lines are skipped).
 * - JSON array: `item N`; a file that is not JSON at all (empty, binary, truncated) is one reject whose place is
 *   the byte, line and column where it stops being JSON.
 * - CSV: `row N`, N the line the record starts on. A row with a quoting error, or with more or fewer cells than
 *   the header, is a reject; a quote that is never closed rejects the row it opens in, and reading goes on at the
 *   next line.
 * - Parquet: `row N`; a file that is not readable Parquet is an `InvalidArgumentError` (one line).
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { tableFromIPC } from "apache-arrow";
import { parse as parseCsv } from "csv-parse/sync";
import { InvalidArgumentError } from "../errors.js";
import type { RecordIssue } from "../records/errors.js";
import type { CliRecordClass } from "./contract.js";
import { jsonProblem, lineColumn } from "./json-error.js";

export type SourceItem<T> =
  | { ok: true; record: T; where: string }
  | { ok: false; issues: readonly RecordIssue[]; where: string; input: unknown };

/** Bytes read so far. */
export interface ReadMeter {
  bytes: number;
}

export const SOURCE_FORMATS = ".jsonl (or .ndjson), .json, .csv or .parquet";

/** The reader of a file, by its extension (undefined for an extension this does not read). */
export function sourceFormat(file: string): "jsonl" | "json" | "csv" | "parquet" | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".parquet")) return "parquet";
  return undefined;
}

export async function* readRecords<T extends object>(
  file: string,
  cls: CliRecordClass<T>,
  meter: ReadMeter = { bytes: 0 },
): AsyncGenerator<SourceItem<T>> {
  switch (sourceFormat(file)) {
    case "jsonl":
      yield* jsonLines(file, cls, meter);
      break;
    case "json":
      yield* jsonArray(file, cls, meter);
      break;
    case "csv":
      yield* csv(file, cls, meter);
      break;
    case "parquet":
      yield* parquet(file, cls, meter);
      break;
    default:
      throw new InvalidArgumentError(`${file}: use a ${SOURCE_FORMATS} file`);
  }
}

function decode<T extends object>(cls: CliRecordClass<T>, input: unknown, where: string): SourceItem<T> {
  const result = cls.safeFromJson(input);
  return result.ok
    ? { ok: true, record: result.value, where }
    : { ok: false, issues: result.error.issues, where, input };
}

function reject<T>(where: string, message: string, input: unknown): SourceItem<T> {
  return { ok: false, issues: [{ path: "", message }], where, input };
}

/** Why a text is not JSON, and where: `not JSON: unexpected "x", expected … (column 7)`. */
function notJson(text: string): { message: string; index: number } {
  const problem = jsonProblem(text) ?? { index: 0, message: "not JSON" };
  return { message: `not JSON: ${problem.message}`, index: problem.index };
}

async function* jsonLines<T extends object>(file: string, cls: CliRecordClass<T>, meter: ReadMeter) {
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const text of lines) {
    n++;
    meter.bytes = stream.bytesRead;
    // A UTF-8 byte-order mark (Windows tools write one) is not part of line 1; JSON.parse would refuse it.
    const line = n === 1 ? text.replace(/^\uFEFF/, "") : text;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const { message, index } = notJson(line);
      yield reject<T>(`line ${n}`, `${message} (column ${index + 1})`, line);
      continue;
    }
    yield decode(cls, value, `line ${n}`);
  }
  meter.bytes = stream.bytesRead;
}

async function* jsonArray<T extends object>(file: string, cls: CliRecordClass<T>, meter: ReadMeter) {
  const bytes = await readFile(file);
  meter.bytes = bytes.length;
  const text = new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const empty = text.trim() === "";
    const { message, index } = empty
      ? { message: "empty file: expected a JSON array of records", index: text.length }
      : notJson(text);
    const { line, column } = lineColumn(text, index);
    const byte = Buffer.byteLength(text.slice(0, index));
    yield reject<T>(
      `byte ${byte} (line ${line}, column ${column})`,
      message.replace("end of the text", "end of the file (truncated?)"),
      undefined,
    );
    return;
  }
  const items = Array.isArray(value) ? value : [value];
  for (const [i, item] of items.entries()) yield decode(cls, item, `item ${i}`);
}

/** A line of a text file and its 1-based number. */
interface Line {
  readonly n: number;
  readonly text: string;
}

/** A record that spans more than this (an unclosed quote) is given up on at its first line. */
const MAX_RECORD_CHARS = 1024 * 1024;
const MAX_RECORD_LINES = 10_000;

function quotes(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count;
}

/** csv-parse's reason without its position (the position is the row's). */
function csvReason(error: unknown): string {
  return (error as Error).message.replace(/ (at|on) line \d+/g, "").replace(/\s+/g, " ");
}

async function* csv<T extends object>(file: string, cls: CliRecordClass<T>, meter: ReadMeter) {
  const byColumn = new Map(
    cls.descriptor.fields.flatMap(
      (f) =>
        [
          [f.column, f],
          [f.name, f],
          [f.jsonName, f],
        ] as const,
    ),
  );
  const stream = createReadStream(file);
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
  let lineNumber = 0;
  // Lines to read again: those after the first line of a record that turned out not to be one.
  const replay: Line[] = [];
  const next = async (): Promise<Line | undefined> => {
    const again = replay.shift();
    if (again !== undefined) return again;
    const result = await lines.next();
    meter.bytes = stream.bytesRead;
    if (result.done) return undefined;
    lineNumber++;
    return { n: lineNumber, text: lineNumber === 1 ? result.value.replace(/^\uFEFF/, "") : result.value };
  };
  let header: string[] | undefined;
  let record: Line[] = [];
  let open = false;
  let size = 0;
  for (;;) {
    const line = await next();
    const [first, ...rest] = record;
    if (line === undefined) {
      if (first === undefined) break;
      // The end of the file inside a quote: the row it opened in is the reject; the lines after it are rows again.
      yield reject<T>(`row ${first.n}`, "not CSV: a quote opened in this row is not closed", first.text);
      replay.unshift(...rest);
      record = [];
      open = false;
      size = 0;
      continue;
    }
    if (record.length === 0 && line.text.trim() === "") continue;
    record.push(line);
    size += line.text.length + 1;
    if (quotes(line.text) % 2 === 1) open = !open;
    const start = record[0] as Line;
    if (open) {
      if (size > MAX_RECORD_CHARS || record.length > MAX_RECORD_LINES) {
        yield reject<T>(`row ${start.n}`, "not CSV: a quote opened in this row is not closed", start.text);
        replay.unshift(...record.slice(1));
        record = [];
        open = false;
        size = 0;
      }
      continue;
    }
    const text = record.map((l) => l.text).join("\n");
    const following = record.slice(1);
    record = [];
    size = 0;
    let cells: string[];
    try {
      cells = (parseCsv(text, { relax_column_count: true }) as string[][])[0] ?? [];
    } catch (error) {
      if (following.length > 0) {
        yield reject<T>(
          `row ${start.n}`,
          `not CSV: a quote opened in this row is not closed (${csvReason(error)})`,
          start.text,
        );
        replay.unshift(...following);
      } else {
        yield reject<T>(`row ${start.n}`, `not CSV: ${csvReason(error)}`, text);
      }
      continue;
    }
    if (header === undefined) {
      header = cells;
      continue;
    }
    if (cells.length !== header.length) {
      yield reject<T>(
        `row ${start.n}`,
        `not CSV: the row has ${cells.length} cells and the header ${header.length}`,
        text,
      );
      continue;
    }
    const json: Record<string, unknown> = {};
    for (const [i, column] of header.entries()) {
      const cell = cells[i] as string;
      const field = byColumn.get(column);
      const key = field?.jsonName ?? column;
      if (cell === "") continue; // an empty cell is an absent value
      const kind = field?.type.kind;
      const scalar = kind === "scalar" || kind === "wrapper" ? field?.type.scalar : undefined;
      if (scalar === "bool") json[key] = cell === "true" ? true : cell === "false" ? false : cell;
      else if (kind === "message" || kind === "list" || kind === "map") json[key] = parseCell(cell);
      else if (kind === "json") json[key] = parseCell(cell);
      else json[key] = cell;
    }
    yield decode(cls, json, `row ${start.n}`);
  }
}

/** A cell that holds a nested value as JSON text; left as text when it is not JSON (the decoder says why). */
function parseCell(cell: string): unknown {
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}

async function* parquet<T extends object>(file: string, cls: CliRecordClass<T>, meter: ReadMeter) {
  const bytes = await readFile(file);
  meter.bytes = bytes.length;
  const { readParquet } = await import("parquet-wasm");
  let table: ReturnType<typeof tableFromIPC>;
  try {
    table = tableFromIPC(readParquet(bytes).intoIPCStream());
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 200);
    throw new InvalidArgumentError(`${file}: not a readable Parquet file (${bytes.length} bytes: ${reason})`, {
      cause: error,
    });
  }
  for (const [i, record] of cls.fromArrow(table).entries()) {
    yield { ok: true, record, where: `row ${i + 1}` } as SourceItem<T>;
  }
}
