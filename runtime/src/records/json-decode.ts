/**
 * Strict decoding of untrusted proto3 JSON into a record init object. Follows the proto3 JSON mapping
 * (https://protobuf.dev/programming-guides/json/): field keys by JSON name or proto name, 64-bit integers as
 * strings or numbers, enums by name or number, RFC 3339 timestamps, `"1.5s"` durations, base64 bytes, FieldMasks as
 * `"a.b,cD"`, `null` as absent. It never stops at the first problem: every unknown field, wrong type, out-of-range number and bad value
 * is reported with its path, in one `JsonDecodeError`.
 *
 * Absent fields are left out of the result (proto3 JSON has no required fields); the generated constructor fills
 * proto3 defaults and ingest metadata. Paths use the keys as they appear in the input, e.g. `items[2].sku`.
 */
import { Buffer } from "node:buffer";
import type { FieldDescriptor, FieldType, Int64Representation, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";
import { enumName } from "./enums.js";
import { IssueList, JsonDecodeError } from "./errors.js";
import { fieldMaskFromJson } from "./json-field-mask.js";
import { isJsonObject, toJsonValue } from "./json-value.js";
import {
  formatUnscaled,
  fromInt64,
  type IntegerKind,
  Invalid,
  integerRange,
  integerTextTooLong,
  is32BitKind,
  isIntegerKind,
  toFloat,
  toText,
  toUnscaled,
} from "./numbers.js";
import { dateToDays, formatDate, parseDate, parseDuration, parseTimestamp } from "./temporal.js";

export type JsonDecodeResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly error: JsonDecodeError };

/** Never throws for bad input: returns `{ ok: false, error }` with every issue. */
export function decodeJson(d: RecordDescriptor, json: unknown): JsonDecodeResult {
  checkDescriptor(d);
  const issues = new IssueList();
  const value = decodeMessage(d, json, "", false, issues);
  if (issues.length > 0 || value === FAILED)
    return { ok: false, error: new JsonDecodeError(d.typeName, issues.issues) };
  return { ok: true, value };
}

/** A value that failed; its issue is recorded already. */
const FAILED = Symbol("failed");

const lookups = new WeakMap<RecordDescriptor, ReadonlyMap<string, FieldDescriptor>>();

/** Fields by JSON name and by proto name (both are accepted, as the proto3 JSON mapping requires). */
function lookupOf(d: RecordDescriptor): ReadonlyMap<string, FieldDescriptor> {
  let lookup = lookups.get(d);
  if (lookup === undefined) {
    const byName = new Map<string, FieldDescriptor>();
    for (const field of d.fields) {
      byName.set(field.jsonName, field);
      byName.set(field.protoName, field);
    }
    lookup = byName;
    lookups.set(d, lookup);
  }
  return lookup;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function isNullValue(type: FieldType): boolean {
  // In google.protobuf.Value, JSON null is a value (NullValue), not an absent field.
  return type.kind === "json" && type.wellKnown === "Value";
}

function decodeMessage(
  d: RecordDescriptor,
  json: unknown,
  path: string,
  sensitive: boolean,
  issues: IssueList,
): Record<string, unknown> | typeof FAILED {
  if (!isJsonObject(json)) {
    issues.add(path, `must be a JSON object (${d.typeName})`, json, sensitive);
    return FAILED;
  }
  const lookup = lookupOf(d);
  const seen = new Map<FieldDescriptor, string>();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const fieldPath = join(path, key);
    const field = lookup.get(key);
    if (field === undefined) {
      issues.add(fieldPath, `is not a field of ${d.typeName}`);
      continue;
    }
    const prior = seen.get(field);
    if (prior !== undefined) {
      issues.add(fieldPath, `is the same field as "${prior}"`);
      continue;
    }
    seen.set(field, key);
    if (value === null && !isNullValue(field.type)) continue;
    const decoded = decodeValue(field.type, value, fieldPath, sensitive || field.sensitive === true, issues);
    if (decoded === FAILED) continue;
    if (field.oneof === undefined) {
      out[field.name] = decoded;
      continue;
    }
    const current = out[field.oneof] as { case: string } | undefined;
    if (current !== undefined) {
      const oneof = d.oneofs.find((o) => o.name === field.oneof);
      issues.add(fieldPath, `oneof ${oneof?.protoName ?? field.oneof} has a value already (${current.case})`);
      continue;
    }
    out[field.oneof] = { case: field.name, value: decoded };
  }
  return out;
}

function decodeValue(type: FieldType, json: unknown, path: string, sensitive: boolean, issues: IssueList): unknown {
  const check = (result: unknown): unknown => {
    if (!(result instanceof Invalid)) return result;
    issues.add(path, result.message, json, sensitive);
    return FAILED;
  };
  switch (type.kind) {
    case "scalar":
      return check(decodeScalar(type.scalar, json, type.int64As));
    case "wrapper":
      return check(decodeScalar(type.scalar, json, undefined));
    case "enum":
      return check(
        typeof json === "string" || (typeof json === "number" && Number.isInteger(json))
          ? enumName(type.enum, json)
          : new Invalid(`must be a value name or number of enum ${type.enum.typeName}`),
      );
    case "timestamp":
      return check(parseTimestamp(json));
    case "date":
      return check(decodeDate(json));
    case "duration":
      return check(parseDuration(json));
    case "json":
      return check(toJsonValue(json, type.wellKnown));
    case "decimal": {
      // A string field holds the text; a google.type.Decimal field's JSON is `{ "value": "…" }`.
      const text = isJsonObject(json) && Object.keys(json).length === 1 ? json.value : json;
      if (typeof text !== "string") return check(new Invalid("must be a decimal string (numbers lose precision)"));
      const unscaled = toUnscaled(text, type.precision, type.scale);
      return check(unscaled instanceof Invalid ? unscaled : formatUnscaled(unscaled, type.scale));
    }
    case "list": {
      if (type.wellKnown === "FieldMask") return check(fieldMaskFromJson(json));
      if (!Array.isArray(json)) return check(new Invalid("must be a JSON array"));
      const items: unknown[] = [];
      json.forEach((item: unknown, j) => {
        const itemPath = `${path}[${j}]`;
        if (item === null && !isNullValue(type.element)) {
          issues.add(itemPath, "is null; list elements cannot be null");
          return;
        }
        const decoded = decodeValue(type.element, item, itemPath, sensitive, issues);
        if (decoded !== FAILED) items.push(decoded);
      });
      return items;
    }
    case "map": {
      if (!isJsonObject(json)) return check(new Invalid("must be a JSON object (a map)"));
      const map = new Map<unknown, unknown>();
      for (const [text, item] of Object.entries(json)) {
        const entryPath = `${path}[${sensitive ? "[redacted]" : JSON.stringify(text)}]`;
        const key = decodeMapKey(type.key, text);
        if (key instanceof Invalid) {
          issues.add(entryPath, `key ${key.message}`);
          continue;
        }
        if (item === null && !isNullValue(type.value)) {
          issues.add(entryPath, "is null; map values cannot be null");
          continue;
        }
        const decoded = decodeValue(type.value, item, entryPath, sensitive, issues);
        if (decoded !== FAILED) map.set(key, decoded);
      }
      return map;
    }
    case "message":
      return decodeMessage(type.record(), json, path, sensitive, issues);
  }
}

const INTEGER_TEXT = /^-?\d+$/;
const FLOAT_TEXT = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function decodeScalar(kind: ScalarKind, json: unknown, int64As: Int64Representation | undefined): unknown | Invalid {
  switch (kind) {
    case "float":
    case "double": {
      if (json === "NaN") return Number.NaN;
      if (json === "Infinity") return Number.POSITIVE_INFINITY;
      if (json === "-Infinity") return Number.NEGATIVE_INFINITY;
      const n = typeof json === "string" && FLOAT_TEXT.test(json) ? Number(json) : json;
      if (typeof n !== "number") return new Invalid(`must be a number (${kind})`);
      // A finite text ("1e309") or JSON number that overflows a double is out of range, as protobuf-es and the
      // conformance suite have it; the infinities and NaN are only ever the strings above.
      if (Number.isNaN(n)) return new Invalid(`must be a number (${kind}); NaN is written "NaN"`);
      if (!Number.isFinite(n)) {
        return new Invalid(`is out of range for ${kind === "float" ? "FLOAT (32-bit)" : "DOUBLE (64-bit)"}`);
      }
      return toFloat(n, kind);
    }
    case "bool":
      return typeof json === "boolean" ? json : new Invalid("must be true or false");
    case "string":
      return toText(json);
    case "bytes": {
      if (typeof json !== "string" || !BASE64.test(json) || json.replace(/=+$/, "").length % 4 === 1) {
        return new Invalid("must be base64 text");
      }
      return Uint8Array.from(Buffer.from(json, "base64"));
    }
    default: {
      if (!isIntegerKind(kind)) return new Invalid(`unsupported scalar ${kind}`);
      // By its length first: the regex and BigInt below must never see unbounded text (see MAX_INTEGER_TEXT).
      const tooLong = integerTextTooLong(json, kind);
      if (tooLong !== undefined) return tooLong;
      let n: bigint;
      if (typeof json === "number") {
        if (!Number.isInteger(json)) return new Invalid(`must be an integer (${kind})`);
        if (!Number.isSafeInteger(json)) return new Invalid("loses precision as a JSON number; send it as a string");
        n = BigInt(json);
      } else if (typeof json === "string" && INTEGER_TEXT.test(json)) {
        n = BigInt(json);
      } else if (typeof json === "string" && is32BitKind(kind) && FLOAT_TEXT.test(json)) {
        const exact = numberText32(json, kind);
        if (exact instanceof Invalid) return exact;
        n = exact;
      } else {
        return new Invalid(`must be an integer number or string (${kind})`);
      }
      const [min, max] = integerRange(kind);
      if (n < min || n > max) return new Invalid(`is out of range for ${kind} (${min} to ${max})`);
      return is32BitKind(kind) ? Number(n) : fromInt64(n, int64As);
    }
  }
}

/**
 * A 32-bit integer written in exponent or decimal form, `"1e5"` or `"1.0"`: the proto3 JSON mapping accepts "exponent
 * notation … in both quoted and unquoted forms" (https://protobuf.dev/programming-guides/json/), protobuf's
 * conformance suite tests it, and protobuf-es reads such text with `Number` (`int32FromJson` in from-json.js). Exact
 * for every 32-bit value. The 64-bit kinds keep integer text only, as protobuf-es does (it reads them with BigInt).
 */
function numberText32(text: string, kind: IntegerKind): bigint | Invalid {
  const n = Number(text);
  if (!Number.isFinite(n)) return new Invalid(`is out of range for ${kind}`);
  if (!Number.isInteger(n)) return new Invalid(`must be an integer (${kind})`);
  return BigInt(n);
}

/** A map key: JSON object keys are strings, so integer and bool keys are parsed from their text. */
function decodeMapKey(kind: ScalarKind, text: string): unknown | Invalid {
  // A lone surrogate is refused here, with the field's path, as in a string value (not first when it is encoded).
  if (kind === "string") return toText(text);
  if (kind === "bool") return text === "true" ? true : text === "false" ? false : new Invalid("must be true or false");
  if (!isIntegerKind(kind)) return new Invalid(`must be an integer (${kind})`);
  // Keys are as unbounded as values: by length first (see MAX_INTEGER_TEXT).
  const tooLong = integerTextTooLong(text, kind);
  if (tooLong !== undefined) return tooLong;
  let n: bigint | Invalid;
  if (INTEGER_TEXT.test(text)) n = BigInt(text);
  else if (is32BitKind(kind) && FLOAT_TEXT.test(text)) n = numberText32(text, kind);
  else return new Invalid(`must be an integer (${kind})`);
  if (n instanceof Invalid) return n;
  const [min, max] = integerRange(kind);
  if (n < min || n > max) return new Invalid(`is out of range for ${kind}`);
  return is32BitKind(kind) ? Number(n) : n;
}

/** google.type.Date as its proto3 JSON object `{ year, month, day }`, or as the `"YYYY-MM-DD"` text. */
function decodeDate(json: unknown): string | Invalid {
  if (typeof json === "string") {
    const days = parseDate(json);
    return days instanceof Invalid ? days : json;
  }
  if (!isJsonObject(json)) return new Invalid('must be a date object {"year","month","day"} or "YYYY-MM-DD"');
  const extra = Object.keys(json).filter((k) => k !== "year" && k !== "month" && k !== "day");
  if (extra.length > 0) return new Invalid(`has unknown date fields: ${extra.join(", ")}`);
  const { year, month, day } = json;
  if (typeof year !== "number" || typeof month !== "number" || typeof day !== "number") {
    return new Invalid("year, month and day must be numbers");
  }
  const days = dateToDays(year, month, day);
  return days instanceof Invalid ? days : formatDate(days);
}
