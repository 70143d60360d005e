/**
 * Record batches to plain JavaScript rows, by column type: BIGINT → bigint, TIMESTAMP → Date (a `PreciseTimestamp`
 * when it has microseconds; nanoseconds are dropped), DATE → Date, DECIMAL → exact string, ARRAY → array, MAP → Map,
 * STRUCT → object, BINARY → Uint8Array, NULL → null. (Typed record classes read columns themselves; these rows are
 * for ad-hoc queries.)
 */
import {
  type Data,
  type DataType,
  type Field,
  makeVector,
  type RecordBatch,
  type Timestamp,
  TimeUnit,
  Type,
} from "apache-arrow";
import { formatUnscaled } from "../records/numbers.js";
import { timestampOfMicros } from "../records/precise-timestamp.js";

export type Row = Record<string, unknown>;
type Convert = (value: unknown) => unknown;

const identity: Convert = (v) => v;

export function batchToRows(batch: RecordBatch): Row[] {
  const columns = batch.schema.fields.map((field, i) => ({
    name: field.name,
    values: columnValues(batch.data.children[i] as Data, field.type),
  }));
  const rows: Row[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row: Row = {};
    for (const column of columns) row[column.name] = column.values[r];
    rows[r] = row;
  }
  return rows;
}

/**
 * A column's values, converted as `converterFor` does, column by column: nested columns are built from their
 * children's converted values and offsets, never through apache-arrow's per-value row proxies and sub-vectors.
 */
function columnValues(data: Data, type: DataType): unknown[] {
  const n = data.length;
  const out: unknown[] = new Array(n);
  switch (type.typeId) {
    case Type.Struct: {
      const fields = (type.children as Field[]).map((f, j) => ({
        name: f.name,
        values: columnValues(data.children[j] as Data, f.type),
      }));
      for (let i = 0; i < n; i++) {
        if (!data.getValid(i)) {
          out[i] = null;
          continue;
        }
        const row: Row = {};
        for (const f of fields) row[f.name] = f.values[i];
        out[i] = row;
      }
      return out;
    }
    case Type.List: {
      const items = columnValues(data.children[0] as Data, (type.children[0] as Field).type);
      const offsets = data.valueOffsets;
      for (let i = 0; i < n; i++) out[i] = data.getValid(i) ? items.slice(offsets[i], offsets[i + 1]) : null;
      return out;
    }
    case Type.Map: {
      const entries = data.children[0] as Data;
      const entryType = (type.children[0] as Field).type;
      const keys = columnValues(entries.children[0] as Data, (entryType.children[0] as Field).type);
      const values = columnValues(entries.children[1] as Data, (entryType.children[1] as Field).type);
      const offsets = data.valueOffsets;
      for (let i = 0; i < n; i++) {
        if (!data.getValid(i)) {
          out[i] = null;
          continue;
        }
        const map = new Map<unknown, unknown>();
        for (let k = offsets[i] as number; k < (offsets[i + 1] as number); k++) map.set(keys[k], values[k]);
        out[i] = map;
      }
      return out;
    }
    case Type.Timestamp: {
      // From the buffer, exact: Vector.get() gives float milliseconds.
      const values = data.values as BigInt64Array;
      const perMicro = MICROS_DIVISOR[(type as Timestamp).unit];
      for (let i = 0; i < n; i++) out[i] = data.getValid(i) ? micros(values[i] as bigint, perMicro) : null;
      return out;
    }
    default: {
      const vector = makeVector(data);
      const convert = converterFor(type);
      for (let i = 0; i < n; i++) out[i] = convert(vector.get(i) ?? null);
      return out;
    }
  }
}

/** Per unit: a positive number divides the value down to µs (ns), a negative one's magnitude multiplies it up. */
const MICROS_DIVISOR: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: -1_000_000n,
  [TimeUnit.MILLISECOND]: -1000n,
  [TimeUnit.MICROSECOND]: 1n,
  [TimeUnit.NANOSECOND]: 1000n,
};

function micros(value: bigint, divisor: bigint): Date {
  let us = divisor < 0n ? value * -divisor : value / divisor;
  if (divisor > 1n && value % divisor < 0n) us -= 1n; // round down, as for a Date's milliseconds
  return timestampOfMicros(us);
}

export function converterFor(type: DataType): Convert {
  const nullSafe =
    (convert: Convert): Convert =>
    (v) =>
      v === null || v === undefined ? null : convert(v);
  switch (type.typeId) {
    case Type.Timestamp:
    case Type.Date:
      return nullSafe((v) => new Date(Math.floor(Number(v))));
    case Type.Decimal:
      return nullSafe((v) =>
        formatDecimal(v as Uint32Array, (type as DataType<Type.Decimal> & { scale: number }).scale),
      );
    case Type.List:
    case Type.FixedSizeList: {
      const child = converterFor((type.children[0] as Field).type);
      return nullSafe((v) => Array.from(v as Iterable<unknown>, (item) => child(item ?? null)));
    }
    case Type.Map: {
      const entry = (type.children[0] as Field).type;
      const key = converterFor((entry.children[0] as Field).type);
      const value = converterFor((entry.children[1] as Field).type);
      return nullSafe((v) => {
        const out = new Map<unknown, unknown>();
        for (const [k, val] of v as Iterable<[unknown, unknown]>) out.set(key(k), value(val ?? null));
        return out;
      });
    }
    case Type.Struct: {
      const fields = (type.children as Field[]).map((f) => ({ name: f.name, convert: converterFor(f.type) }));
      return nullSafe((v) => {
        const source = v as Record<string, unknown>;
        const out: Row = {};
        for (const f of fields) out[f.name] = f.convert(source[f.name] ?? null);
        return out;
      });
    }
    default:
      return identity;
  }
}

/** Arrow's Decimal value is a little-endian two's-complement integer in 32-bit words; apply the scale exactly. */
export function formatDecimal(words: Uint32Array, scale: number): string {
  let unscaled = 0n;
  for (let i = words.length - 1; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(words[i] ?? 0);
  const bits = BigInt(words.length * 32);
  if (unscaled >= 1n << (bits - 1n)) unscaled -= 1n << bits;
  return formatUnscaled(unscaled, scale);
}
