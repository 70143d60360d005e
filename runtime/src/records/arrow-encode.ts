/**
 * Records to an Arrow table with the record's exact schema, built column by column: each column's values are
 * checked and written straight into the typed arrays Arrow stores (Int32Array, BigInt64Array, Decimal128 words,
 * UTF-8 bytes with offsets) and wrapped with apache-arrow's `makeData`. Nothing is inferred and nothing wraps or
 * rounds: a value that does not fit its column is an issue, and all issues of the batch are thrown together as a
 * `RecordEncodeError`.
 *
 * An issue is found at `{ index, path }`: the record's index in the batch, and property names within it
 * (`items[2].sku`). The error lists them by record (`rejects`), and in the order found with the index in front
 * (`[3].items[2].sku`).
 */
import {
  Binary,
  Bool,
  type Data,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  makeData,
  RecordBatch,
  Struct,
  Table,
  TimestampMicrosecond,
  Utf8,
} from "apache-arrow";
import { arrowSchema, LIST_ELEMENT, MAP_ENTRIES, TIMESTAMP_ZONE } from "./arrow-schema.js";
import type { FieldDescriptor, FieldType, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { fieldValue, isRecordLike, unknownOneofCases } from "./descriptor-check.js";
import { enumName, enumNumber } from "./enums.js";
import { BatchIssueList, type BatchPath, REDACTED } from "./errors.js";
import { toJsonValue } from "./json-value.js";
import {
  Invalid,
  integerTextTooLong,
  is32BitKind,
  isIntegerKind,
  toFloat,
  toInteger,
  toText,
  toUnscaled,
} from "./numbers.js";
import { microsOfMilliOf } from "./precise-timestamp.js";
import { parseDate, toDurationMicros, toTimestamp, writeMicros } from "./temporal.js";

/** A slot under a null struct: written as null (or a zero default in a NOT NULL child), never an issue. */
const UNDER_NULL = Symbol("under a null struct");

interface Column {
  /** One value per slot; `undefined`/`null` is absent, `UNDER_NULL` is masked by a null parent. */
  readonly values: readonly unknown[];
  /** Where slot `i` is (its record, and the path within it), computed only when there is an issue. */
  readonly pathOf: (i: number) => BatchPath;
  /** Values are redacted in issues (a sensitive field, or anything inside one). */
  readonly sensitive: boolean;
}

const utf8 = new TextEncoder();

/** Records (objects with the descriptor's properties) to an Arrow table of `arrowSchema(d)`. */
export function toArrow(d: RecordDescriptor, records: readonly object[]): Table {
  const schema = arrowSchema(d);
  const issues = new BatchIssueList();
  const rows: unknown[] = records.map((record, i) => {
    if (isRecordLike(record)) return record;
    issues.add({ index: i, path: "" }, "must be an object");
    return UNDER_NULL;
  });
  const children = structChildren(d, rows, (i) => ({ index: i, path: "" }), false, issues);
  if (issues.length > 0) throw issues.encodeError(d.typeName);
  const data = makeData({ type: new Struct(schema.fields), length: records.length, nullCount: 0, children });
  return new Table(new RecordBatch(schema, data));
}

/** The path of a property of the value at `at`. */
function member(at: BatchPath, name: string): BatchPath {
  return { index: at.index, path: at.path === "" ? name : `${at.path}.${name}` };
}

function structChildren(
  d: RecordDescriptor,
  objects: readonly unknown[],
  pathOf: (i: number) => BatchPath,
  sensitive: boolean,
  issues: BatchIssueList,
): Data[] {
  objects.forEach((object, i) => {
    if (object === UNDER_NULL || object === undefined || object === null) return;
    for (const { oneof, selected } of unknownOneofCases(d, object as object)) {
      issues.add(member(pathOf(i), oneof), `case is not a member of the oneof`, selected, sensitive);
    }
  });
  return d.fields.map((field) =>
    encodeColumn(field.type, field.nullable, columnOf(field, objects, pathOf, sensitive), issues),
  );
}

const readers = new WeakMap<FieldDescriptor, (record: object) => unknown>();

/**
 * A reader of one field's value, made once per field. A plain property is read by a function of its own
 * (`o => o["name"]`, built with `new Function` from the JSON-quoted name, never from other input), so the property
 * access sees one record shape and stays fast; a closure shared by every field would see all of them.
 */
function reader(field: FieldDescriptor): (record: object) => unknown {
  let read = readers.get(field);
  if (read === undefined) {
    read =
      field.oneof === undefined
        ? (new Function("o", `return o[${JSON.stringify(field.name)}];`) as (record: object) => unknown)
        : (record: object) => fieldValue(record, field);
    readers.set(field, read);
  }
  return read;
}

function columnOf(
  field: FieldDescriptor,
  objects: readonly unknown[],
  pathOf: (i: number) => BatchPath,
  sensitive: boolean,
): Column {
  const values: unknown[] = new Array(objects.length);
  const read = reader(field);
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    values[i] = o === UNDER_NULL ? UNDER_NULL : read(o as object);
  }
  return {
    values,
    pathOf: (i) => member(pathOf(i), field.name),
    sensitive: sensitive || field.sensitive === true,
  };
}

/** Null bits, one per slot, set for valid slots. */
class Validity {
  readonly bits: Uint8Array;
  #valid = 0;
  constructor(readonly length: number) {
    this.bits = new Uint8Array((length + 7) >> 3);
  }
  set(i: number): void {
    this.bits[i >> 3] = (this.bits[i >> 3] ?? 0) | (1 << (i & 7));
    this.#valid++;
  }
  get nullCount(): number {
    return this.length - this.#valid;
  }
}

function isAbsent(value: unknown, type: FieldType): boolean {
  // google.protobuf.Value holds JSON null as a value; everywhere else null means absent, like undefined.
  return value === undefined || (value === null && !(type.kind === "json" && type.wellKnown === "Value"));
}

/**
 * Visits the slots of a column: absent values become nulls (an issue in a NOT NULL column), values are converted
 * (an `Invalid` becomes an issue) and written. Returns the validity of the slots.
 */
function eachSlot<T>(
  type: FieldType,
  nullable: boolean,
  column: Column,
  issues: BatchIssueList,
  convert: (value: unknown) => T | Invalid,
  write: (i: number, value: T) => void,
): Validity {
  const values = column.values;
  const validity = new Validity(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === UNDER_NULL) {
      if (!nullable) validity.set(i);
      continue;
    }
    if (isAbsent(value, type)) {
      if (!nullable) issues.add(column.pathOf(i), "is missing, and the column is NOT NULL");
      continue;
    }
    const converted = convert(value);
    if (converted instanceof Invalid) {
      issues.add(column.pathOf(i), converted.message, value, column.sensitive);
      continue;
    }
    validity.set(i);
    write(i, converted);
  }
  return validity;
}

function encodeColumn(type: FieldType, nullable: boolean, column: Column, issues: BatchIssueList): Data {
  const n = column.values.length;
  const slots = <T>(convert: (value: unknown) => T | Invalid, write: (i: number, value: T) => void) =>
    eachSlot(type, nullable, column, issues, convert, write);
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return encodeScalar(type.scalar, column, slots);
    case "enum": {
      if (type.asInt) {
        const values = new Int32Array(n);
        const v = slots(
          (x) => enumName(type.enum, x),
          (i, name) => {
            values[i] = enumNumber(type.enum, name);
          },
        );
        return makeData({ type: new Int32(), length: n, ...nulls(v), data: values });
      }
      return encodeText(n, (write) =>
        slots(
          (x) => enumName(type.enum, x),
          (i, name) => write(i, name),
        ),
      );
    }
    case "timestamp": {
      const values = new BigInt64Array(n);
      const words = new Int32Array(values.buffer);
      const v = slots(toTimestamp, (i, date) => writeMicros(words, i, date.getTime(), microsOfMilliOf(date)));
      return makeData({ type: new TimestampMicrosecond(TIMESTAMP_ZONE), length: n, ...nulls(v), data: values });
    }
    case "date": {
      const values = new Int32Array(n);
      const v = slots(parseDate, (i, days) => {
        values[i] = days;
      });
      return makeData({ type: new DateDay(), length: n, ...nulls(v), data: values });
    }
    case "duration": {
      const values = new BigInt64Array(n);
      const v = slots(toDurationMicros, (i, us) => {
        values[i] = us;
      });
      return makeData({ type: new Int64(), length: n, ...nulls(v), data: values });
    }
    case "json":
      return encodeText(n, (write) =>
        slots(
          (x) => toJsonValue(x, type.wellKnown),
          (i, json) => write(i, JSON.stringify(json)),
        ),
      );
    case "decimal":
      return encodeDecimal(type.precision, type.scale, n, slots, (x) => toUnscaled(x, type.precision, type.scale));
    case "list":
      return encodeList(type.element, column, slots, issues);
    case "map":
      return encodeMap(type, column, slots, issues);
    case "message": {
      const nested = type.record();
      const objects: unknown[] = new Array(n).fill(UNDER_NULL);
      const v = slots(
        (x) => (isRecordLike(x) ? x : new Invalid(`must be an object (${nested.typeName})`)),
        (i, object) => {
          objects[i] = object;
        },
      );
      const children = structChildren(nested, objects, column.pathOf, column.sensitive, issues);
      const fields = nested.fields.map((f, j) => new Field(f.column, children[j]!.type, f.nullable));
      return makeData({ type: new Struct(fields), length: n, ...nulls(v), children });
    }
  }
}

type Slots = <T>(convert: (value: unknown) => T | Invalid, write: (i: number, value: T) => void) => Validity;

function nulls(validity: Validity): { nullCount: number; nullBitmap: Uint8Array } {
  return { nullCount: validity.nullCount, nullBitmap: validity.bits };
}

function encodeScalar(kind: ScalarKind, column: Column, slots: Slots): Data {
  const n = column.values.length;
  switch (kind) {
    case "float":
    case "double": {
      const values = kind === "float" ? new Float32Array(n) : new Float64Array(n);
      const v = slots(
        (x) => toFloat(x, kind),
        (i, x) => {
          values[i] = x;
        },
      );
      return kind === "float"
        ? makeData({ type: new Float32(), length: n, ...nulls(v), data: values })
        : makeData({ type: new Float64(), length: n, ...nulls(v), data: values });
    }
    case "bool": {
      const bits = new Uint8Array((n + 7) >> 3);
      const v = slots(
        (x) => (typeof x === "boolean" ? x : new Invalid("must be a boolean")),
        (i, x) => {
          if (x) bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7));
        },
      );
      return makeData({ type: new Bool(), length: n, ...nulls(v), data: bits });
    }
    case "string":
      return encodeText(n, (write) => slots(toText, write));
    case "bytes":
      return encodeVariable(
        new Binary(),
        n,
        (write: (i: number, bytes: Uint8Array) => void) =>
          slots((x) => (x instanceof Uint8Array ? x : new Invalid("must be a Uint8Array")), write),
        (sink, bytes) => sink.writeBytes(bytes),
      );
    case "uint64":
    case "fixed64":
      return encodeDecimal(20, 0, n, slots, (x) => toInteger(x, kind));
    default: {
      if (!isIntegerKind(kind)) throw new Error(`unreachable: ${kind}`);
      if (kind === "int32" || kind === "sint32" || kind === "sfixed32") {
        const values = new Int32Array(n);
        const v = slots(
          (x) => toInteger(x, kind),
          (i, x) => {
            values[i] = Number(x);
          },
        );
        return makeData({ type: new Int32(), length: n, ...nulls(v), data: values });
      }
      const values = new BigInt64Array(n);
      const v = slots(
        (x) => toInteger(x, kind),
        (i, x) => {
          values[i] = x;
        },
      );
      return makeData({ type: new Int64(), length: n, ...nulls(v), data: values });
    }
  }
}

/**
 * Variable-width values (Utf8, Binary): each valid slot written straight into one growing buffer by `put` (strings
 * as UTF-8: ASCII by a plain loop, the rest by `encodeInto`), with Int32 offsets; no per-value allocation. Slots
 * are visited in ascending order.
 */
function encodeVariable<V>(
  type: Utf8 | Binary,
  n: number,
  fill: (write: (i: number, value: V) => void) => Validity,
  put: (sink: ByteSink, value: V) => void,
): Data {
  const valueOffsets = new Int32Array(n + 1);
  const sink = new ByteSink(n * 16);
  let next = 0;
  const validity = fill((i, value) => {
    for (; next < i; next++) valueOffsets[next + 1] = sink.length;
    put(sink, value);
    valueOffsets[i + 1] = sink.length;
    next = i + 1;
  });
  for (; next < n; next++) valueOffsets[next + 1] = sink.length;
  const props = { length: n, ...nulls(validity), valueOffsets, data: sink.bytes() };
  return type instanceof Utf8 ? makeData({ type, ...props }) : makeData({ type, ...props });
}

function encodeText(n: number, fill: (write: (i: number, text: string) => void) => Validity): Data {
  return encodeVariable(new Utf8(), n, fill, (sink, text: string) => sink.writeUtf8(text));
}

/** A byte buffer that grows by doubling; `bytes()` is the written part (copied when much of the buffer is unused). */
class ByteSink {
  #buffer: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.#buffer = new Uint8Array(Math.max(64, capacity));
  }
  #reserve(extra: number): Uint8Array {
    const needed = this.length + extra;
    if (needed > 0x7fffffff) throw new RangeError("a column holds more than 2 GiB of bytes: write smaller batches");
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.min(0x7fffffff, Math.max(needed, this.#buffer.length * 2)));
      grown.set(this.#buffer.subarray(0, this.length));
      this.#buffer = grown;
    }
    return this.#buffer;
  }
  writeBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }
  writeUtf8(text: string): void {
    const n = text.length;
    let buffer = this.#reserve(n);
    let at = this.length;
    for (let k = 0; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c >= 0x80) {
        // Not ASCII: the rest takes at most 3 bytes per UTF-16 unit.
        this.length = at;
        buffer = this.#reserve((n - k) * 3);
        at += utf8.encodeInto(k === 0 ? text : text.slice(k), buffer.subarray(at)).written;
        break;
      }
      buffer[at++] = c;
    }
    this.length = at;
  }
  bytes(): Uint8Array {
    const written = this.#buffer.subarray(0, this.length);
    return this.length < this.#buffer.length / 2 ? written.slice() : written;
  }
}

/** Decimal128: each value's unscaled integer as four little-endian 32-bit words of a two's-complement integer. */
function encodeDecimal(
  precision: number,
  scale: number,
  n: number,
  slots: Slots,
  convert: (value: unknown) => bigint | Invalid,
): Data<Decimal> {
  const words = new Uint32Array(n * 4);
  const v = slots(convert, (i, unscaled) => {
    let bits = BigInt.asUintN(128, unscaled);
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(bits & 0xffffffffn);
      bits >>= 32n;
    }
  });
  return makeData({ type: new Decimal(scale, precision, 128), length: n, ...nulls(v), data: words });
}

/** Maps slot indexes of a flattened child (list elements, map entries) back to their parent slot. */
function childPaths(
  offsets: Int32Array,
  owners: Int32Array,
  parent: (i: number) => BatchPath,
  label: (k: number, j: number) => string,
): (k: number) => BatchPath {
  return (k) => {
    const owner = owners[k] ?? 0;
    const at = parent(owner);
    return { index: at.index, path: `${at.path}[${label(k, k - (offsets[owner] ?? 0))}]` };
  };
}

function encodeList(element: FieldType, column: Column, slots: Slots, issues: BatchIssueList): Data {
  const n = column.values.length;
  const valueOffsets = new Int32Array(n + 1);
  const items: unknown[] = [];
  const owners: number[] = [];
  const v = slots(
    (x) => (Array.isArray(x) ? (x as readonly unknown[]) : new Invalid("must be an array")),
    (i, array) => {
      for (const item of array) {
        items.push(item);
        owners.push(i);
      }
    },
  );
  let at = 0;
  column.values.forEach((_, i) => {
    while (at < owners.length && owners[at] === i) at++;
    valueOffsets[i + 1] = at;
  });
  const child = encodeColumn(
    element,
    false,
    {
      values: items,
      pathOf: childPaths(valueOffsets, Int32Array.from(owners), column.pathOf, (_, j) => String(j)),
      sensitive: column.sensitive,
    },
    issues,
  );
  return makeData({
    type: new List(new Field(LIST_ELEMENT, child.type, false)),
    length: n,
    ...nulls(v),
    valueOffsets,
    child,
  });
}

const INTEGER_KEY = /^-?(0|[1-9]\d*)$/;

/** A key of a map given as a plain object (as protobuf-es does): the string key in the key's type. */
function objectKey(text: string, kind: ScalarKind): unknown {
  if (kind === "string") return text;
  if (kind === "bool") return text === "true" ? true : text === "false" ? false : new Invalid("is not a bool key");
  if (!isIntegerKind(kind)) return new Invalid(`is not a ${kind} key`);
  // Keys of a plain object are text of any length: by length first, before the regex and BigInt (MAX_INTEGER_TEXT).
  const tooLong = integerTextTooLong(text, kind);
  if (tooLong !== undefined) return tooLong;
  if (!INTEGER_KEY.test(text)) return new Invalid(`is not a ${kind} key`);
  return is32BitKind(kind) ? Number(text) : BigInt(text);
}

function encodeMap(
  type: Extract<FieldType, { kind: "map" }>,
  column: Column,
  slots: Slots,
  issues: BatchIssueList,
): Data {
  const n = column.values.length;
  const valueOffsets = new Int32Array(n + 1);
  const keys: unknown[] = [];
  const values: unknown[] = [];
  const owners: number[] = [];
  const v = slots(
    (x): [unknown, unknown][] | Invalid => {
      if (x instanceof Map) return [...(x as Map<unknown, unknown>)];
      if (isRecordLike(x)) return Object.entries(x).map(([k, value]) => [objectKey(k, type.key), value]);
      return new Invalid("must be a Map");
    },
    (i, entries) => {
      for (const [key, value] of entries) {
        keys.push(key);
        values.push(value);
        owners.push(i);
      }
    },
  );
  let at = 0;
  column.values.forEach((_, i) => {
    while (at < owners.length && owners[at] === i) at++;
    valueOffsets[i + 1] = at;
  });
  const ownerIndex = Int32Array.from(owners);
  const keyText = (k: number) => (column.sensitive ? REDACTED : renderKey(keys[k]));
  const keyPath = childPaths(valueOffsets, ownerIndex, column.pathOf, keyText);
  const keyColumn: Column = {
    values: keys.map((k) => (k instanceof Invalid ? UNDER_NULL : k)),
    pathOf: (k) => {
      const at = keyPath(k);
      return { index: at.index, path: `${at.path} (key)` };
    },
    sensitive: column.sensitive,
  };
  keys.forEach((k, index) => {
    if (k instanceof Invalid) issues.add(keyPath(index), `key ${k.message}`);
  });
  const keyData = encodeColumn({ kind: "scalar", scalar: type.key }, false, keyColumn, issues);
  const valueData = encodeColumn(type.value, false, { values, pathOf: keyPath, sensitive: column.sensitive }, issues);
  const entries = new Struct([new Field("key", keyData.type, false), new Field("value", valueData.type, false)]);
  const child = makeData({ type: entries, length: keys.length, nullCount: 0, children: [keyData, valueData] });
  return makeData({
    type: new Map_(new Field(MAP_ENTRIES, entries, false), false),
    length: n,
    ...nulls(v),
    valueOffsets,
    child,
  });
}

function renderKey(key: unknown): string {
  return typeof key === "string" ? JSON.stringify(key) : String(key);
}
