/**
 * A record to its proto3 JSON (https://protobuf.dev/programming-guides/json/), so that `decodeJson` and
 * protobuf-es's `fromJson` read it back: JSON names as keys, 64-bit integers as strings, enums by name, RFC 3339
 * timestamps in UTC, `"1.5s"` durations, standard base64 bytes, NaN/Infinity as strings, google.type.Date as
 * `{ year, month, day }`, a FieldMask as its paths in lowerCamelCase joined by commas (`"a.b,cD"`). Every field that has a value is written (proto3 JSON allows default values); absent
 * fields are left out. Values that do not fit their type throw a `RecordEncodeError` listing all of them.
 */

import { Buffer } from "node:buffer";
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { FieldType, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { checkDescriptor, fieldValue, isRecordLike, unknownOneofCases } from "./descriptor-check.js";
import { enumName } from "./enums.js";
import { IssueList, REDACTED, RecordEncodeError } from "./errors.js";
import { fieldMaskToJson } from "./json-field-mask.js";
import { toJsonValue } from "./json-value.js";
import {
  formatUnscaled,
  Invalid,
  is32BitKind,
  isIntegerKind,
  toFloat,
  toInteger,
  toText,
  toUnscaled,
} from "./numbers.js";
import { daysToParts, formatDuration, formatTimestamp, parseDate, toDurationMicros, toTimestamp } from "./temporal.js";

export function encodeJson(d: RecordDescriptor, record: object): JsonValue {
  checkDescriptor(d);
  const issues = new IssueList();
  const json = encodeMessage(d, record, "", false, issues);
  if (issues.length > 0) throw new RecordEncodeError(d.typeName, issues.issues);
  return json;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function encodeMessage(
  d: RecordDescriptor,
  record: unknown,
  path: string,
  sensitive: boolean,
  issues: IssueList,
): JsonValue {
  if (!isRecordLike(record)) {
    issues.add(path, `must be an object (${d.typeName})`, record, sensitive);
    return null;
  }
  for (const { oneof, selected } of unknownOneofCases(d, record)) {
    issues.add(join(path, oneof), "case is not a member of the oneof", selected, sensitive);
  }
  const out: JsonObject = {};
  for (const field of d.fields) {
    const value = fieldValue(record, field);
    if (isAbsent(value, field.type)) continue;
    setKey(
      out,
      field.jsonName,
      encodeValue(field.type, value, join(path, field.name), sensitive || field.sensitive === true, issues),
    );
  }
  return out;
}

/**
 * `out[key] = value` for any key: assigning `__proto__` would set the object's prototype and drop the key (a map
 * key `"__proto__"` must survive decode → toJson), so that key is defined as an own property, as `JSON.parse` does.
 */
function setKey(out: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__")
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function isAbsent(value: unknown, type: FieldType): boolean {
  return value === undefined || (value === null && !(type.kind === "json" && type.wellKnown === "Value"));
}

function encodeValue(type: FieldType, value: unknown, path: string, sensitive: boolean, issues: IssueList): JsonValue {
  const check = <T>(result: T | Invalid, write: (ok: T) => JsonValue): JsonValue => {
    if (!(result instanceof Invalid)) return write(result);
    issues.add(path, result.message, value, sensitive);
    return null;
  };
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return check(encodeScalar(type.scalar, value), (json) => json);
    case "enum":
      return check(enumName(type.enum, value), (name) => name);
    case "timestamp":
      return check(toTimestamp(value), formatTimestamp);
    case "date":
      return check(parseDate(value), (days) => ({ ...daysToParts(days) }));
    case "duration":
      return check(toDurationMicros(value), formatDuration);
    case "json":
      return check(toJsonValue(value, type.wellKnown), (json) => json);
    case "decimal":
      return check(toUnscaled(value, type.precision, type.scale), (u) => formatUnscaled(u, type.scale));
    case "list": {
      if (type.wellKnown === "FieldMask") return check(fieldMaskToJson(value), (json) => json);
      if (!Array.isArray(value)) return check(new Invalid("must be an array"), () => null);
      return (value as readonly unknown[]).map((item, j) => {
        const itemPath = `${path}[${j}]`;
        if (isAbsent(item, type.element)) {
          issues.add(itemPath, "is missing; list elements cannot be null");
          return null;
        }
        return encodeValue(type.element, item, itemPath, sensitive, issues);
      });
    }
    case "map": {
      const entries =
        value instanceof Map
          ? [...(value as Map<unknown, unknown>)]
          : isRecordLike(value)
            ? Object.entries(value)
            : undefined;
      if (entries === undefined) return check(new Invalid("must be a Map"), () => null);
      const out: JsonObject = {};
      for (const [key, item] of entries) {
        const keyText = mapKeyText(type.key, key);
        const entryPath = `${path}[${sensitive ? REDACTED : JSON.stringify(String(key))}]`;
        if (keyText instanceof Invalid) {
          issues.add(entryPath, `key ${keyText.message}`);
          continue;
        }
        if (isAbsent(item, type.value)) {
          issues.add(entryPath, "is missing; map values cannot be null");
          continue;
        }
        setKey(out, keyText, encodeValue(type.value, item, entryPath, sensitive, issues));
      }
      return out;
    }
    case "message":
      return encodeMessage(type.record(), value, path, sensitive, issues);
  }
}

function encodeScalar(kind: ScalarKind, value: unknown): JsonValue | Invalid {
  switch (kind) {
    case "float":
    case "double": {
      const n = toFloat(value, kind);
      if (n instanceof Invalid) return n;
      if (Number.isNaN(n)) return "NaN";
      if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
      return n;
    }
    case "bool":
      return typeof value === "boolean" ? value : new Invalid("must be a boolean");
    case "string":
      return toText(value);
    case "bytes":
      return value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")
        : new Invalid("must be a Uint8Array");
    default: {
      if (!isIntegerKind(kind)) return new Invalid(`unsupported scalar ${kind}`);
      const n = toInteger(value, kind);
      if (n instanceof Invalid) return n;
      return is32BitKind(kind) ? Number(n) : n.toString();
    }
  }
}

/** Map keys are JSON object keys: integers and bools as their text. */
function mapKeyText(kind: ScalarKind, key: unknown): string | Invalid {
  if (kind === "string") return toText(key);
  if (kind === "bool") return typeof key === "boolean" ? String(key) : new Invalid("must be a boolean");
  if (!isIntegerKind(kind)) return new Invalid(`unsupported map key ${kind}`);
  const text = typeof key === "string" && is32BitKind(kind) && /^-?\d+$/.test(key) ? Number(key) : key;
  const n = toInteger(text, kind);
  return n instanceof Invalid ? n : n.toString();
}
