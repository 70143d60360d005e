/**
 * Records from files, streamed: JSON Lines, a JSON array, CSV (header row; cells are proto3 JSON scalars) and
 * Parquet. Each item is either a decoded record or a reject with its reasons and its place in the file.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { tableFromIPC } from "apache-arrow";
import { parse } from "csv-parse";
import { InvalidArgumentError } from "../errors.js";
import type { RecordIssue } from "../records/errors.js";
import type { CliRecordClass } from "./contract.js";

export type SourceItem<T> =
  | { ok: true; record: T; where: string }
  | { ok: false; issues: readonly RecordIssue[]; where: string; input: unknown };

export async function* readRecords<T extends object>(
  file: string,
  cls: CliRecordClass<T>,
): AsyncGenerator<SourceItem<T>> {
  const lower = file.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) yield* jsonLines(file, cls);
  else if (lower.endsWith(".json")) yield* jsonArray(file, cls);
  else if (lower.endsWith(".csv")) yield* csv(file, cls);
  else if (lower.endsWith(".parquet")) yield* parquet(file, cls);
  else throw new InvalidArgumentError(`${file}: use a .jsonl, .json, .csv or .parquet file`);
}

function decode<T extends object>(cls: CliRecordClass<T>, input: unknown, where: string): SourceItem<T> {
  const result = cls.safeFromJson(input);
  return result.ok
    ? { ok: true, record: result.value, where }
    : { ok: false, issues: result.error.issues, where, input };
}

async function* jsonLines<T extends object>(file: string, cls: CliRecordClass<T>) {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      yield {
        ok: false,
        issues: [{ path: "", message: `not JSON: ${(error as Error).message}` }],
        where: `line ${n}`,
        input: line,
      } as SourceItem<T>;
      continue;
    }
    yield decode(cls, value, `line ${n}`);
  }
}

async function* jsonArray<T extends object>(file: string, cls: CliRecordClass<T>) {
  const value: unknown = JSON.parse(await readFile(file, "utf8"));
  const items = Array.isArray(value) ? value : [value];
  for (const [i, item] of items.entries()) yield decode(cls, item, `item ${i}`);
}

async function* csv<T extends object>(file: string, cls: CliRecordClass<T>) {
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
  const parser = createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, bom: true }));
  let n = 1;
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    n++;
    const json: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(row)) {
      const field = byColumn.get(column);
      const key = field?.jsonName ?? column;
      if (cell === "") continue; // an empty cell is an absent value
      const kind = field?.type.kind === "scalar" || field?.type.kind === "wrapper" ? field.type.scalar : undefined;
      json[key] = kind === "bool" ? (cell === "true" ? true : cell === "false" ? false : cell) : cell;
    }
    yield decode(cls, json, `row ${n}`);
  }
}

async function* parquet<T extends object>(file: string, cls: CliRecordClass<T>) {
  const { readParquet } = await import("parquet-wasm");
  const table = tableFromIPC(readParquet(await readFile(file)).intoIPCStream());
  for (const [i, record] of cls.fromArrow(table).entries())
    yield { ok: true, record, where: `row ${i + 1}` } as SourceItem<T>;
}
