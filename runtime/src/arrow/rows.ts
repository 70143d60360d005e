/**
 * Record batches to plain JavaScript rows, by column type: BIGINT → bigint, TIMESTAMP/DATE → Date (ms precision),
 * DECIMAL → exact string, ARRAY → array, MAP → Map, STRUCT → object, BINARY → Uint8Array, NULL → null.
 * (Typed record classes read columns themselves, with µs precision; these rows are for ad-hoc queries.)
 */
import { type DataType, type Field, type RecordBatch, Type } from "apache-arrow";

export type Row = Record<string, unknown>;
type Convert = (value: unknown) => unknown;

const identity: Convert = (v) => v;

export function batchToRows(batch: RecordBatch): Row[] {
  const columns = batch.schema.fields.map((field, i) => ({
    name: field.name,
    vector: batch.getChildAt(i),
    convert: converterFor(field.type),
  }));
  const rows: Row[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row: Row = {};
    for (const column of columns) row[column.name] = column.convert(column.vector?.get(r) ?? null);
    rows[r] = row;
  }
  return rows;
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
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}
