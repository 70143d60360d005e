/**
 * What the CLI prints for records and for its own listings (`describe`, `contracts`):
 *
 * - `table`: one line per row under a header when that fits the terminal's width, otherwise one block of
 *   `column  value` lines per row (as psql's expanded display), so no line is wider than the terminal;
 * - `json` (an array), `jsonl` (a line per record), `csv` (a header of column names): proto3 JSON values, which
 *   `lakehouse ingest` reads back.
 *
 * Sensitive fields are `[redacted]` in every format. Colours only when asked (`useColor`: a TTY, no NO_COLOR).
 */

import type { FieldDescriptor, RecordDescriptor } from "../records/descriptor.js";
import { REDACTED } from "../records/errors.js";
import { encodeJson } from "../records/json-encode.js";
import { redactJson } from "../records/redact-json.js";

export const FORMATS = ["table", "json", "jsonl", "csv"] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface OutputOptions {
  readonly format: OutputFormat;
  /** The terminal's width in columns. */
  readonly width: number;
  readonly color: boolean;
}

/** The longest a cell of the horizontal table gets before it is shortened with "…". */
const CELL_WIDTH = 32;
/** Width when the stream does not say (not a terminal). */
export const DEFAULT_WIDTH = 100;

/**
 * Colours on `stream`: only on a terminal, never with NO_COLOR set to anything but "" (no-color.org), nor on a
 * `TERM=dumb` terminal. FORCE_COLOR does not put colours into a pipe.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return env.TERM !== "dumb";
}

/** The width of the terminal `stream` is, or 100. */
export function terminalWidth(stream: { columns?: number }): number {
  const columns = stream.columns;
  return typeof columns === "number" && columns > 20 ? columns : DEFAULT_WIDTH;
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

export function style(color: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

const NULL = "∅";

/** Records as proto3 JSON with every sensitive value redacted (absent values stay absent). */
function redactedJson(d: RecordDescriptor, records: readonly object[]): Record<string, unknown>[] {
  return records.map((r) => {
    const json = redactJson(d, encodeJson(d, r)) as Record<string, unknown>;
    for (const f of d.fields) if (f.sensitive && json[f.jsonName] !== undefined) json[f.jsonName] = REDACTED;
    return json;
  });
}

/** A cell as text: strings as they are, everything else as JSON. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return NULL;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function fieldCell(field: FieldDescriptor, json: Record<string, unknown>): string {
  if (field.sensitive) return REDACTED;
  return cellText(json[field.jsonName]);
}

export function formatRecords(d: RecordDescriptor, records: readonly object[], options: OutputOptions): string {
  const json = redactedJson(d, records);
  switch (options.format) {
    case "json":
      return JSON.stringify(json, null, 2);
    case "jsonl":
      return json.map((j) => JSON.stringify(j)).join("\n");
    case "csv":
      return [
        d.fields.map((f) => csvCell(f.column)).join(","),
        ...json.map((j) => d.fields.map((f) => csvCell(csvValue(j[f.jsonName]))).join(",")),
      ].join("\n");
    case "table":
      return formatTable(
        d.fields.map((f) => f.column),
        json.map((j) => d.fields.map((f) => fieldCell(f, j))),
        options,
      );
  }
}

function csvValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function csvCell(text: string): string {
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of plain values (a listing of the CLI's own: columns of a table, contracts) in a format. */
export function formatRows(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: OutputOptions,
): string {
  switch (options.format) {
    case "json":
      return JSON.stringify(
        rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))),
        null,
        2,
      );
    case "jsonl":
      return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])))).join("\n");
    case "csv":
      return [columns.map(csvCell).join(","), ...rows.map((r) => r.map((v) => csvCell(csvValue(v))).join(","))].join(
        "\n",
      );
    case "table":
      return formatTable(
        columns,
        rows.map((r) => r.map((v) => (v === undefined || v === null ? "" : cellText(v)))),
        options,
      );
  }
}

/** Text on one line, shortened to `max` characters with "…". */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ");
  if (max < 1) return "";
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/**
 * A table of text cells: horizontal when it fits `options.width`, else one block per row. `header: false` leaves
 * the header out (the next rows of a `tail --follow`); `first` numbers the blocks.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: Pick<OutputOptions, "width" | "color"> & {
    header?: boolean;
    first?: number;
    /** Always one line per row, however wide. */
    wide?: boolean;
    cellWidth?: number;
  },
): string {
  const s = style(options.color);
  if (rows.length === 0) return options.header === false ? "" : "(no rows)";
  const clipped = rows.map((row) => row.map((cell) => clip(cell, options.cellWidth ?? CELL_WIDTH)));
  const widths = headers.map((h, i) => Math.max(h.length, ...clipped.map((row) => (row[i] ?? "").length)));
  const total = widths.reduce((a, b) => a + b, 0) + 2 * Math.max(0, widths.length - 1);
  const paint = (cell: string) => (cell === NULL || cell === REDACTED ? s.dim(cell) : cell);
  if (total <= options.width || options.wide) {
    const line = (cells: readonly string[], color: (c: string) => string) =>
      cells
        .map((c, i) => color(c) + " ".repeat(Math.max(0, (widths[i] ?? 0) - c.length)))
        .join("  ")
        .trimEnd();
    return [
      ...(options.header === false
        ? []
        : [
            line(headers, s.bold),
            line(
              widths.map((w) => "─".repeat(w)),
              s.dim,
            ),
          ]),
      ...clipped.map((row) => line(row, paint)),
    ].join("\n");
  }
  // One block per row: `column  value`, values shortened to what is left of the line.
  const label = Math.max(...headers.map((h) => h.length)) + 2;
  const room = Math.max(8, options.width - label);
  const blocks = rows.map((row, r) => {
    const title = `─── record ${(options.first ?? 1) + r} `;
    const lines = headers.map((h, i) => {
      const value = clip(row[i] ?? "", room);
      return `${s.bold(h)}${" ".repeat(label - h.length)}${paint(value)}`.trimEnd();
    });
    return [s.dim(title + "─".repeat(Math.max(0, Math.min(options.width, 60) - title.length))), ...lines].join("\n");
  });
  return blocks.join("\n");
}
