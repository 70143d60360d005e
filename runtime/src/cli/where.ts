/**
 * `--where '{"orderId":{"gte":"ord_5"}}'`: filter JSON from the command line, checked against the contract and
 * turned into a typed `Filter` (64-bit integers → bigint, timestamps → Date, decimals as text, enums by name). Every
 * mistake is an `InvalidArgumentError` of one line saying what is wrong where, found before anything connects.
 */
import { InvalidArgumentError } from "../errors.js";
import type { FieldDescriptor, RecordDescriptor } from "../records/descriptor.js";
import { parseTimestamp } from "../records/temporal.js";
import type { Filter } from "../tables/filter.js";
import { jsonProblem, lineColumn } from "./json-error.js";

const COMPARISONS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "isNull"] as const;

/** Field kinds whose values can be compared (the others only tested with `isNull`). */
const COMPARABLE = new Set(["scalar", "wrapper", "enum", "timestamp", "date", "duration", "decimal"]);

export function parseWhere(d: RecordDescriptor, text: string): Filter<object> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const problem = jsonProblem(text) ?? { index: 0, message: "not JSON" };
    const { line, column } = lineColumn(text, problem.index);
    throw new InvalidArgumentError(`--where is not JSON: ${problem.message} at line ${line}, column ${column}`);
  }
  return conditions(d, json, undefined) as Filter<object>;
}

/** How a value is named in a message: short, and never more than 40 characters of it. */
export function shown(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function filterable(d: RecordDescriptor): FieldDescriptor[] {
  return d.fields.filter((f) => COMPARABLE.has(f.type.kind));
}

function conditions(d: RecordDescriptor, value: unknown, path: string | undefined): Record<string, unknown> {
  if (!isObject(value)) {
    if (path === undefined) {
      const example = filterable(d)[0]?.name ?? "field";
      throw new InvalidArgumentError(
        `--where must be a JSON object of conditions, like {"${example}":"…"} or {"${example}":{"gte":"…"}}, not ${shown(value)}`,
      );
    }
    throw new InvalidArgumentError(`--where: ${path} must be a JSON object of conditions, not ${shown(value)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, condition] of Object.entries(value)) {
    if (key === "and" || key === "or") {
      if (!Array.isArray(condition)) {
        throw new InvalidArgumentError(`--where: "${key}" must be a list of conditions, not ${shown(condition)}`);
      }
      out[key] = condition.map((c, i) => conditions(d, c, `${key}[${i}]`));
    } else if (key === "not") {
      out[key] = conditions(d, condition, '"not"');
    } else {
      const field = d.fields.find((f) => f.name === key || f.column === key || f.jsonName === key);
      if (!field) {
        const names = filterable(d).map((f) => f.name);
        throw new InvalidArgumentError(
          `--where: ${d.typeName} has no field "${key}"; filterable: ${names.join(", ")}, and, or, not`,
        );
      }
      out[field.name] = comparison(field, condition);
    }
  }
  return out;
}

function comparison(field: FieldDescriptor, condition: unknown): unknown {
  if (!isObject(condition)) return fieldValue(field, condition);
  const out: Record<string, unknown> = {};
  for (const [op, value] of Object.entries(condition)) {
    if (!(COMPARISONS as readonly string[]).includes(op)) {
      throw new InvalidArgumentError(
        `--where: ${field.name}: unknown comparison "${op}"; use ${COMPARISONS.join(", ")}`,
      );
    }
    if (op === "isNull") {
      if (typeof value !== "boolean")
        throw new InvalidArgumentError(`--where: ${field.name}: "isNull" must be true or false`);
      out[op] = value;
    } else if (op === "in") {
      if (!Array.isArray(value)) {
        throw new InvalidArgumentError(`--where: ${field.name}: "in" must be a list of values, not ${shown(value)}`);
      }
      out[op] = value.map((v) => fieldValue(field, v));
    } else {
      out[op] = fieldValue(field, value);
    }
  }
  return out;
}

/** A value of the field's type, from JSON: the representation its record class uses. */
function fieldValue(field: FieldDescriptor, value: unknown): unknown {
  const t = field.type;
  const wrong = (expected: string): never => {
    throw new InvalidArgumentError(`--where: ${field.name}: expected ${expected}, not ${shown(value)}`);
  };
  if (!COMPARABLE.has(t.kind)) {
    throw new InvalidArgumentError(
      `--where: ${field.name}: a ${t.kind} column cannot be compared; only {"isNull": true} or {"isNull": false}`,
    );
  }
  if (value === null) return null;
  switch (t.kind) {
    case "scalar":
    case "wrapper": {
      const s = t.scalar;
      if (s === "string") return typeof value === "string" ? value : wrong("a string");
      if (s === "bool") {
        if (typeof value === "boolean") return value;
        return value === "true" ? true : value === "false" ? false : wrong("true or false");
      }
      if (s === "bytes") {
        throw new InvalidArgumentError(
          `--where: ${field.name}: a bytes column cannot be compared from the command line`,
        );
      }
      if (s === "float" || s === "double") {
        const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
        return Number.isFinite(n) && value !== "" ? n : wrong("a number");
      }
      const text = typeof value === "number" || typeof value === "string" ? String(value) : wrong("an integer");
      if (!/^-?\d{1,20}$/.test(text)) wrong("an integer");
      const n = BigInt(text);
      const bits = /64$/.test(s) ? 64 : 32;
      const unsigned = s.startsWith("uint") || s.startsWith("fixed");
      const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
      const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
      if (n < min || n > max)
        throw new InvalidArgumentError(`--where: ${field.name}: ${text} is out of range for ${s}`);
      if (bits === 32) return Number(n);
      // The record's own representation of a 64-bit field (`jstype`): bigint unless it says string or number.
      const as = t.kind === "scalar" ? t.int64As : undefined;
      return as === "string" ? text : as === "number" ? Number(n) : n;
    }
    case "enum": {
      const names = t.enum.values.map((v) => v.name);
      const match = t.enum.values.find((v) => v.name === value || (typeof value === "number" && v.number === value));
      if (!match) {
        throw new InvalidArgumentError(`--where: ${field.name}: ${shown(value)} is not one of ${names.join(", ")}`);
      }
      return t.asInt ? match.number : match.name;
    }
    case "timestamp": {
      // RFC 3339 exactly (microseconds kept, nanoseconds refused); other text Date reads (a bare date) as before.
      const exact = parseTimestamp(value);
      if (exact instanceof Date) return exact;
      if (exact.message.startsWith("has nanoseconds")) {
        throw new InvalidArgumentError(`--where: ${field.name}: ${shown(value)} ${exact.message}`);
      }
      const date = typeof value === "string" && /^\d{4}-\d\d-\d\d/.test(value) ? new Date(value) : undefined;
      if (date === undefined || Number.isNaN(date.getTime())) {
        throw new InvalidArgumentError(
          `--where: ${field.name}: ${shown(value)} is not a timestamp (RFC 3339, like "2026-01-31T12:00:00Z")`,
        );
      }
      return date;
    }
    case "date":
      if (typeof value !== "string" || !/^\d{4}-\d\d-\d\d$/.test(value)) {
        throw new InvalidArgumentError(`--where: ${field.name}: ${shown(value)} is not a date (like "2026-01-31")`);
      }
      return value;
    case "duration": {
      const text = typeof value === "number" || typeof value === "string" ? String(value) : "";
      const seconds = /^(-?\d{1,12})(?:\.(\d{1,6}))?s$/.exec(text);
      if (seconds) return BigInt(seconds[1] as string) * 1_000_000n + BigInt((seconds[2] ?? "").padEnd(6, "0"));
      if (/^-?\d{1,20}$/.test(text)) return BigInt(text);
      throw new InvalidArgumentError(
        `--where: ${field.name}: ${shown(value)} is not a duration (microseconds, or seconds like "1.5s")`,
      );
    }
    case "decimal": {
      const text = typeof value === "number" || typeof value === "string" ? String(value) : "";
      const match = /^[+-]?(\d*)(?:\.(\d*))?$/.exec(text);
      const digits = match ? `${match[1] ?? ""}${match[2] ?? ""}` : "";
      if (!match || digits === "" || digits.length > 38) {
        throw new InvalidArgumentError(
          `--where: ${field.name}: ${shown(value)} is not a decimal number (like "12.34" for DECIMAL(${t.precision},${t.scale}))`,
        );
      }
      return text;
    }
  }
  return value;
}
