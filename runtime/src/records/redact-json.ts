/**
 * Redaction of untrusted proto3 JSON, for whatever keeps the input itself (the CLI's `<file>.rejects.jsonl`): issues
 * already show `[redacted]` for the values of sensitive fields, and a copy of the rejected line must not undo that.
 *
 * Keys are matched as `decodeJson` matches them (JSON name or proto name), and nested messages, list elements, map
 * values and oneof members are followed through the descriptor. Unknown keys are kept: they are usually why the line
 * was rejected, so their names and values are what a reader of the rejects needs. The exception is a key that is a
 * field's name in another spelling (`CustomerNote`, `customer-note`, `CUSTOMER_NOTE`): producers with other naming
 * conventions send those, with the secret in them, so such a key is treated as that field. A plain typo
 * (`custmer_note`) cannot be told from any other unknown key and is kept as it is.
 */
import type { FieldDescriptor, FieldType, RecordDescriptor } from "./descriptor.js";
import { REDACTED } from "./errors.js";
import { isJsonObject } from "./json-value.js";

/**
 * Nesting followed at most. Generated descriptors are never recursive (the generator and `checkDescriptor` refuse
 * that), but a hand-written one could be, and then the input's nesting alone would drive the recursion.
 */
const MAX_DEPTH = 100;

/**
 * A copy of `input` with every sensitive field's value (whatever its shape) replaced by `"[redacted]"`. Objects the
 * descriptor describes are new; every other value is shared with `input`, which is never modified. Input that is not
 * a JSON object at all is returned as it is when nothing in the descriptor is sensitive, else replaced entirely (no
 * part of it can be told apart from the rest).
 */
export function redactJson(descriptor: RecordDescriptor, input: unknown): unknown {
  return redactMessage(descriptor, input, 0);
}

/** Whether the record or any record it contains (through messages, lists and maps) has a sensitive field. */
export function hasSensitiveFields(descriptor: RecordDescriptor): boolean {
  let known = reachesSensitive.get(descriptor);
  if (known === undefined) {
    known = reachableRecords(descriptor).some((d) => d.fields.some((f) => f.sensitive === true));
    reachesSensitive.set(descriptor, known);
  }
  return known;
}

const reachesSensitive = new WeakMap<RecordDescriptor, boolean>();

/** `d` and every record its fields reach, each once (by type name, as `checkDescriptor` does), so cycles end. */
function reachableRecords(d: RecordDescriptor): RecordDescriptor[] {
  const seen = new Set([d.typeName]);
  const records = [d];
  for (let i = 0; i < records.length; i++) {
    for (const field of records[i]?.fields ?? []) {
      const nested = recordIn(field.type);
      if (nested !== undefined && !seen.has(nested.typeName)) {
        seen.add(nested.typeName);
        records.push(nested);
      }
    }
  }
  return records;
}

/** The record that values of `type` hold: a message, or the message of a list's elements or a map's values. */
function recordIn(type: FieldType): RecordDescriptor | undefined {
  switch (type.kind) {
    case "message":
      return type.record();
    case "list":
      return recordIn(type.element);
    case "map":
      return recordIn(type.value);
    default:
      return undefined;
  }
}

/** Whether a value of `type` can hold a sensitive value somewhere inside it. */
function holdsSensitive(type: FieldType): boolean {
  const record = recordIn(type);
  return record !== undefined && hasSensitiveFields(record);
}

function redactMessage(d: RecordDescriptor, json: unknown, depth: number): unknown {
  if (!isJsonObject(json) || depth > MAX_DEPTH) return hasSensitiveFields(d) ? REDACTED : json;
  const fields = fieldsByKey(d);
  // Object.fromEntries defines own properties, so a `__proto__` key stays a key (assignment would set the prototype).
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) => {
      const field = fields.exact.get(key) ?? fields.loose.get(looseKey(key));
      return [key, field === undefined ? value : redactField(field, value, depth)];
    }),
  );
}

function redactField(field: FieldDescriptor, value: unknown, depth: number): unknown {
  // Every value, null and wrong shapes included: what a sensitive field held is never copied.
  return field.sensitive === true ? REDACTED : redactValue(field.type, value, depth);
}

/** A value of a field that is not sensitive itself: only the messages inside it can hold sensitive fields. */
function redactValue(type: FieldType, value: unknown, depth: number): unknown {
  if (!holdsSensitive(type)) return value;
  switch (type.kind) {
    case "message":
      return redactMessage(type.record(), value, depth + 1);
    case "list":
      return Array.isArray(value) ? value.map((item: unknown) => redactValue(type.element, item, depth)) : REDACTED;
    case "map":
      // Keys stay: they belong to the map field, which is not sensitive; its message values may hold sensitive ones.
      return isJsonObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(type.value, v, depth)]))
        : REDACTED;
    default:
      return value;
  }
}

interface FieldsByKey {
  /** By JSON name and proto name: the keys `decodeJson` accepts. */
  readonly exact: ReadonlyMap<string, FieldDescriptor>;
  /** By `looseKey` of both names, for unknown keys that are a field's name spelled another way. */
  readonly loose: ReadonlyMap<string, FieldDescriptor>;
}

const lookups = new WeakMap<RecordDescriptor, FieldsByKey>();

function fieldsByKey(d: RecordDescriptor): FieldsByKey {
  let lookup = lookups.get(d);
  if (lookup === undefined) {
    const exact = new Map<string, FieldDescriptor>();
    const loose = new Map<string, FieldDescriptor>();
    for (const field of d.fields) {
      for (const name of [field.jsonName, field.protoName]) {
        exact.set(name, field);
        const other = loose.get(looseKey(name));
        // Two fields with one loose spelling (unlikely): the key gets the one that hides more.
        if (other === undefined || secrecy(field) > secrecy(other)) loose.set(looseKey(name), field);
      }
    }
    lookup = { exact, loose };
    lookups.set(d, lookup);
  }
  return lookup;
}

/** A key without case, `_` and `-`: `customerNote`, `customer_note`, `CustomerNote` and `CUSTOMER-NOTE` are one. */
function looseKey(key: string): string {
  return key.replace(/[_-]/g, "").toLowerCase();
}

/** 2: the field is sensitive; 1: a message in it has sensitive fields; 0: nothing in it is. */
function secrecy(field: FieldDescriptor): number {
  return field.sensitive === true ? 2 : holdsSensitive(field.type) ? 1 : 0;
}
