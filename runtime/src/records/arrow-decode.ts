/**
 * An Arrow table (from Spark, Parquet or `toArrow`) back to plain record init objects. Columns are matched by name
 * and their types checked first (a `SchemaMismatchError` lists every column that does not fit); then each column is
 * read straight from its buffers. Reading the buffers rather than `Vector.get()` keeps values exact: `get()` turns
 * µs timestamps into float milliseconds and decimals into word arrays.
 *
 * - Columns the table has and the record does not are ignored; a missing nullable column reads as absent (a table
 *   written by an older contract), a missing NOT NULL column is a mismatch.
 * - Absent values (NULL) are left out of the object; a NULL in a field that is not nullable, an unknown enum value
 *   or unparsable JSON is an issue, and all issues are thrown together as a `RecordDecodeError`.
 * - Nested messages come back as plain objects; the generated constructors turn them into classes.
 */
import {
  type Field as ArrowField,
  type Data,
  DataType,
  DateUnit,
  Precision,
  type Table,
  TimeUnit,
  Type,
} from "apache-arrow";
import { arrowType } from "./arrow-schema.js";
import type { FieldDescriptor, FieldType, RecordDescriptor, ScalarKind } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";
import { enumName } from "./enums.js";
import { IssueList, REDACTED, RecordDecodeError, SchemaMismatchError } from "./errors.js";
import {
  fitsPrecision,
  formatUnscaled,
  fromInt64,
  Invalid,
  integerRange,
  is32BitKind,
  isIntegerKind,
} from "./numbers.js";
import { formatDate, readMicros, timestampToDate } from "./temporal.js";

/** Rows of `table` as init objects of the record `d` (property names, oneofs as `{ case, value }`). */
export function fromArrow(d: RecordDescriptor, table: Table): Record<string, unknown>[] {
  checkDescriptor(d);
  const problems: string[] = [];
  checkFields(d.fields, table.schema.fields, "", problems);
  if (problems.length > 0) throw new SchemaMismatchError(d.typeName, problems);
  const issues = new IssueList();
  const rows: Record<string, unknown>[] = [];
  for (const batch of table.batches) {
    const base = rows.length;
    const objects = decodeStruct(d, batch.data, batch.schema.fields, (i) => `[${base + i}]`, false, issues);
    for (const object of objects) rows.push(object ?? {});
  }
  if (issues.length > 0) throw new RecordDecodeError(d.typeName, issues.issues);
  return rows;
}

// ——— schema check ———

function checkFields(
  fields: readonly FieldDescriptor[],
  arrow: readonly ArrowField[],
  prefix: string,
  problems: string[],
): void {
  for (const field of fields) {
    const column = arrow.find((a) => a.name === field.column);
    const path = `${prefix}${field.column}`;
    if (column === undefined) {
      if (!field.nullable) problems.push(`${path}: the column is missing`);
      continue;
    }
    checkType(field.type, column.type, path, problems);
  }
}

function checkType(type: FieldType, arrow: DataType, path: string, problems: string[]): void {
  switch (type.kind) {
    case "list":
      if (arrow.typeId === Type.List || arrow.typeId === Type.LargeList) {
        checkType(type.element, (arrow.children[0] as ArrowField).type, `${path}.element`, problems);
        return;
      }
      break;
    case "map":
      if (DataType.isMap(arrow)) {
        checkType({ kind: "scalar", scalar: type.key }, arrow.keyType, `${path}.key`, problems);
        checkType(type.value, arrow.valueType, `${path}.value`, problems);
        return;
      }
      break;
    case "message":
      if (DataType.isStruct(arrow)) {
        checkFields(type.record().fields, arrow.children, `${path}.`, problems);
        return;
      }
      break;
    default:
      if (leafMatches(type, arrow)) return;
  }
  problems.push(`${path}: expected ${String(arrowType(type))}, got ${String(arrow)}`);
}

/** Whether a leaf column has a type the field can be read from (any timestamp unit or zone, Utf8 or LargeUtf8). */
function leafMatches(type: FieldType, arrow: DataType): boolean {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return scalarMatches(type.scalar, arrow);
    case "enum":
      return type.asInt ? scalarMatches("int32", arrow) : isString(arrow);
    case "timestamp":
      return DataType.isTimestamp(arrow);
    case "date":
      return DataType.isDate(arrow);
    case "duration":
      return scalarMatches("int64", arrow);
    case "json":
      return isString(arrow);
    case "decimal":
      return DataType.isDecimal(arrow) && arrow.scale === type.scale;
    default:
      return false;
  }
}

function isString(arrow: DataType): boolean {
  return arrow.typeId === Type.Utf8 || arrow.typeId === Type.LargeUtf8;
}

function scalarMatches(kind: ScalarKind, arrow: DataType): boolean {
  const isInt = (bits: number) => DataType.isInt(arrow) && arrow.isSigned && arrow.bitWidth === bits;
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return isInt(32);
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint32":
    case "fixed32":
      return isInt(64);
    case "uint64":
    case "fixed64":
      return DataType.isDecimal(arrow) && arrow.scale === 0;
    case "float":
      return DataType.isFloat(arrow) && arrow.precision === Precision.SINGLE;
    case "double":
      return DataType.isFloat(arrow) && arrow.precision === Precision.DOUBLE;
    case "bool":
      return DataType.isBool(arrow);
    case "string":
      return isString(arrow);
    case "bytes":
      return arrow.typeId === Type.Binary || arrow.typeId === Type.LargeBinary;
  }
}

// ——— values ———

interface Ctx {
  readonly pathOf: (i: number) => string;
  readonly sensitive: boolean;
  readonly issues: IssueList;
  /**
   * Whether slot `i` holds a value at all: false under a NULL struct, or in a NULL list or map above it. Those slots
   * are not read — what a writer left there (empty text, zeros) is no value — so they raise no issue.
   */
  readonly live?: ((i: number) => boolean) | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A slot whose value was an issue already: not reported again as NULL (the batch fails anyway). */
const FAILED = Symbol("failed");

/** Slot values of a column, `undefined` for NULL. Nulls are judged by the caller, who knows the nullability. */
function decodeColumn(type: FieldType, data: Data, ctx: Ctx): unknown[] {
  const n = data.length;
  const out: unknown[] = new Array(n);
  const live = ctx.live;
  const each = (read: (i: number) => unknown) => {
    for (let i = 0; i < n; i++) {
      if (!data.getValid(i) || (live !== undefined && !live(i))) continue;
      const value = read(i);
      if (!(value instanceof Invalid)) {
        out[i] = value;
        continue;
      }
      out[i] = FAILED;
      if (value.value === undefined) ctx.issues.add(ctx.pathOf(i), value.message);
      else ctx.issues.add(ctx.pathOf(i), value.message, value.value, ctx.sensitive);
    }
    return out;
  };
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return each(scalarReader(type.scalar, data, type.kind === "scalar" ? type.int64As : undefined));
    case "enum": {
      const raw = type.asInt ? (i: number) => (data.values as Int32Array)[i] : stringReader(data);
      return each((i) => {
        const value = raw(i);
        if (value instanceof Invalid) return value;
        const name = enumName(type.enum, value);
        return name instanceof Invalid ? new Invalid(name.message, value) : name;
      });
    }
    case "timestamp": {
      const unit = DataType.isTimestamp(data.type) ? data.type.unit : TimeUnit.MICROSECOND;
      const values = data.values as BigInt64Array;
      if (unit === TimeUnit.MICROSECOND) {
        const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
        return each((i) => readMicros(words, i));
      }
      return each((i) => timestampToDate(values[i] ?? 0n, UNITS_PER_SECOND[unit]));
    }
    case "date":
      return DataType.isDate(data.type) && data.type.unit === DateUnit.DAY
        ? each((i) => formatDate((data.values as Int32Array)[i] ?? 0))
        : each((i) => formatDate(Math.floor(Number((data.values as BigInt64Array)[i] ?? 0n) / 86_400_000)));
    case "duration":
      return each((i) => (data.values as BigInt64Array)[i]);
    case "json": {
      const text = stringReader(data);
      return each((i) => {
        const json = text(i);
        if (json instanceof Invalid) return json;
        try {
          return JSON.parse(json) as unknown;
        } catch {
          return new Invalid("is not valid JSON", json);
        }
      });
    }
    case "decimal": {
      const unscaled = decimalReader(data);
      return each((i) => {
        const v = unscaled(i);
        return fitsPrecision(v, type.precision)
          ? formatUnscaled(v, type.scale)
          : new Invalid(
              `has too many digits for DECIMAL(${type.precision},${type.scale})`,
              formatUnscaled(v, type.scale),
            );
      });
    }
    case "list": {
      const offsets = offsetsOf(data);
      const items = decodeColumn(type.element, data.children[0] as Data, {
        ...ctx,
        pathOf: (k) => `${ctx.pathOf(ownerOf(offsets, k))}[${k - (offsets[ownerOf(offsets, k)] ?? 0)}]`,
        live: ownedBy(offsets, data, live),
      });
      return each((i) => {
        const list = items.slice(offsets[i], offsets[i + 1]);
        return notNull(list, (j) => `${ctx.pathOf(i)}[${j}]`, ctx);
      });
    }
    case "map": {
      const offsets = offsetsOf(data);
      const entries = data.children[0] as Data;
      const owned = ownedBy(offsets, data, live);
      const keys = decodeColumn({ kind: "scalar", scalar: type.key }, entries.children[0] as Data, {
        ...ctx,
        pathOf: (k) => `${ctx.pathOf(ownerOf(offsets, k))} (key ${k - (offsets[ownerOf(offsets, k)] ?? 0)})`,
        live: owned,
      });
      const keyText = (k: number) =>
        ctx.sensitive ? REDACTED : typeof keys[k] === "string" ? JSON.stringify(keys[k]) : String(keys[k]);
      const values = decodeColumn(type.value, entries.children[1] as Data, {
        ...ctx,
        pathOf: (k) => `${ctx.pathOf(ownerOf(offsets, k))}[${keyText(k)}]`,
        live: owned,
      });
      return each((i) => {
        const map = new Map<unknown, unknown>();
        for (let k = offsets[i] ?? 0; k < (offsets[i + 1] ?? 0); k++) {
          if (keys[k] === undefined || values[k] === undefined) {
            ctx.issues.add(`${ctx.pathOf(i)}[${keyText(k)}]`, "is NULL; map entries cannot be null");
          } else map.set(keys[k], values[k]);
        }
        return map;
      });
    }
    case "message": {
      const nested = type.record();
      const objects = decodeStruct(
        nested,
        data,
        (data.type as { children: ArrowField[] }).children,
        ctx.pathOf,
        ctx.sensitive,
        ctx.issues,
        live,
      );
      return each((i) => objects[i]);
    }
  }
}

const UNITS_PER_SECOND: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1_000_000n,
  [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

function notNull(items: unknown[], pathOf: (j: number) => string, ctx: Ctx): unknown[] {
  items.forEach((item, j) => {
    if (item === undefined) ctx.issues.add(pathOf(j), "is NULL; list elements cannot be null");
  });
  return items;
}

/** Objects of a struct column (one per slot, `undefined` where the struct is NULL), fields matched by name. */
function decodeStruct(
  d: RecordDescriptor,
  data: Data,
  arrowFields: readonly ArrowField[],
  pathOf: (i: number) => string,
  sensitive: boolean,
  issues: IssueList,
  live?: (i: number) => boolean,
): (Record<string, unknown> | undefined)[] {
  // A field's slot holds a value only where this struct does (and everything above it).
  const here = (i: number) => data.getValid(i) && (live === undefined || live(i));
  const columns = d.fields.map((field) => {
    const index = arrowFields.findIndex((a) => a.name === field.column);
    const child = data.children[index];
    return index < 0 || child === undefined
      ? undefined
      : decodeColumn(field.type, child, {
          pathOf: (i) => `${pathOf(i)}.${field.name}`,
          sensitive: sensitive || field.sensitive === true,
          issues,
          live: here,
        });
  });
  const out: (Record<string, unknown> | undefined)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!here(i)) continue;
    const object: Record<string, unknown> = {};
    d.fields.forEach((field, j) => {
      const value = columns[j]?.[i];
      if (value === FAILED) return;
      if (value === undefined) {
        if (!field.nullable) issues.add(`${pathOf(i)}.${field.name}`, "is NULL, and the field is not nullable");
        return;
      }
      if (field.oneof === undefined) {
        object[field.name] = value;
        return;
      }
      const current = object[field.oneof] as { case: string } | undefined;
      if (current !== undefined) {
        issues.add(`${pathOf(i)}.${field.oneof}`, `has more than one member set (${current.case}, ${field.name})`);
        return;
      }
      object[field.oneof] = { case: field.name, value };
    });
    out[i] = object;
  }
  return out;
}

function scalarReader(kind: ScalarKind, data: Data, int64As: "bigint" | "string" | "number" | undefined) {
  switch (kind) {
    case "float":
    case "double":
      return (i: number) => (data.values as Float64Array)[i];
    case "bool":
      return (i: number) =>
        (((data.values as Uint8Array)[(data.offset + i) >> 3] ?? 0) & (1 << ((data.offset + i) & 7))) !== 0;
    case "string":
      return stringReader(data);
    case "bytes": {
      const offsets = offsetsOf(data);
      return (i: number) => (data.values as Uint8Array).slice(offsets[i], offsets[i + 1]);
    }
    default: {
      if (!isIntegerKind(kind)) throw new Error(`unreachable: ${kind}`);
      const [min, max] = integerRange(kind);
      const raw =
        kind === "uint64" || kind === "fixed64"
          ? decimalReader(data)
          : data.values instanceof BigInt64Array
            ? (i: number) => (data.values as BigInt64Array)[i] ?? 0n
            : (i: number) => BigInt((data.values as Int32Array)[i] ?? 0);
      return (i: number) => {
        const v = raw(i);
        if (v < min || v > max) return new Invalid(`is out of range for ${kind}`, v);
        return is32BitKind(kind) ? Number(v) : fromInt64(v, int64As);
      };
    }
  }
}

function stringReader(data: Data): (i: number) => string | Invalid {
  const offsets = offsetsOf(data);
  const bytes = data.values as Uint8Array;
  return (i) => {
    try {
      return utf8.decode(bytes.subarray(offsets[i], offsets[i + 1]));
    } catch {
      return new Invalid("is not valid UTF-8");
    }
  };
}

/** Value offsets as numbers (LargeUtf8/LargeList have 64-bit offsets). */
function offsetsOf(data: Data): ArrayLike<number> {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return offsets instanceof BigInt64Array ? Array.from(offsets, Number) : offsets;
}

/** Liveness of the children of a list or map: a child is live where its owning slot is valid and live. */
function ownedBy(
  offsets: ArrayLike<number>,
  data: Data,
  live: ((i: number) => boolean) | undefined,
): (k: number) => boolean {
  return (k) => {
    const owner = ownerOf(offsets, k);
    return data.getValid(owner) && (live === undefined || live(owner));
  };
}

/** The slot of a list/map that owns child `k` (binary search over the offsets). */
function ownerOf(offsets: ArrayLike<number>, k: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The unscaled integer of each Decimal slot: little-endian 32-bit words of a two's-complement integer. */
function decimalReader(data: Data): (i: number) => bigint {
  const words = data.values as Uint32Array;
  const stride = DataType.isDecimal(data.type) ? data.type.bitWidth / 32 : 4;
  const bits = BigInt(stride * 32);
  return (i) => {
    let v = 0n;
    for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w] ?? 0);
    return BigInt.asIntN(Number(bits), v);
  };
}
