/** Typed records as a plain-text table for the terminal: one column per field, values shortened. */
import type { RecordDescriptor } from "../records/descriptor.js";

const MAX_WIDTH = 32;

function show(value: unknown): string {
  if (value === undefined || value === null) return "∅";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Map)
    return JSON.stringify(Object.fromEntries([...value].map(([k, v]) => [String(k), v])), replacer);
  if (typeof value === "object") return JSON.stringify(value, replacer);
  return String(value);
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > MAX_WIDTH ? `${flat.slice(0, MAX_WIDTH - 1)}…` : flat;
}

export function formatTable(d: RecordDescriptor, records: readonly object[]): string {
  const headers = d.fields.map((f) => f.column);
  const rows = records.map((r) =>
    d.fields.map((f) => (f.sensitive ? "[redacted]" : clip(show((r as Record<string, unknown>)[f.name])))),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}
