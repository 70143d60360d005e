/**
 * fast-check arbitraries of records, built from a record class's descriptor: every value its constructor can hold
 * for each field type (the whole range of each integer kind, every float including NaN, ±Infinity and -0, any
 * Unicode text, dates and timestamps over 0001–9999, durations over proto's whole span, decimal text of every
 * precision, nested messages unset, empty and set, lists and maps empty and not, each oneof case and none).
 * Records come out of `new Class(init)`, so they are exactly what the constructor makes.
 */
import fc from "fast-check";
import {
  type FieldDescriptor,
  type FieldType,
  PreciseTimestamp,
  type RecordDescriptor,
  type ScalarKind,
} from "../../runtime/src/index.js";

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, TIMESTAMP's range (to the ms; µs up to .999999). */
const MIN_TIMESTAMP_MS = -62_135_596_800_000;
const MAX_TIMESTAMP_MS = 253_402_300_799_999;
/** 0001-01-01 and 9999-12-31 as days since the epoch. */
const MIN_DAYS = -719_162;
const MAX_DAYS = 2_932_896;
/** proto's Duration span, ±315,576,000,000 s, in µs. */
const MAX_DURATION_MICROS = 315_576_000_000n * 1_000_000n;

export interface ArbitraryOptions {
  /** How many levels of nested messages (a recursive contract stops here with the field unset). */
  readonly depth?: number;
  /** The longest list or map. */
  readonly maxItems?: number;
}

/** A record class as the arbitraries see it: its constructor and descriptor. */
export interface RecordClassLike<T = object> {
  new (init?: never): T;
  readonly descriptor: RecordDescriptor;
}

/** Records of `cls`, made by its constructor from generated inits. */
export function recordArbitrary<T extends object>(
  cls: RecordClassLike<T>,
  options: ArbitraryOptions = {},
): fc.Arbitrary<T> {
  const depth = options.depth ?? 2;
  const maxItems = options.maxItems ?? 3;
  return initArbitrary(cls.descriptor, depth, maxItems).map((init) => new cls(init as never));
}

/** The init object of a record: each field (or oneof) set, or left to the constructor's default. */
export function initArbitrary(d: RecordDescriptor, depth: number, maxItems: number): fc.Arbitrary<object> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of d.fields) {
    if (field.oneof !== undefined) continue;
    parts[field.name] = fieldArbitrary(field, depth, maxItems);
  }
  for (const oneof of d.oneofs) {
    const members = oneof.fields.map((name) => d.fields.find((f) => f.name === name) as FieldDescriptor);
    parts[oneof.name] = fc.oneof(
      fc.constant({ case: undefined }),
      ...members.map((m) =>
        valueArbitrary(m.type, depth, maxItems).map((value) => ({ case: m.name, value }) as { case: string }),
      ),
    );
  }
  return fc.record(parts, { requiredKeys: [] });
}

function fieldArbitrary(field: FieldDescriptor, depth: number, maxItems: number): fc.Arbitrary<unknown> {
  if (field.type.kind === "message" && depth <= 0) return fc.constant(undefined);
  const value = valueArbitrary(field.type, depth, maxItems);
  return field.nullable ? fc.option(value, { nil: undefined, freq: 4 }) : value;
}

/** A value of a field type, as the record holds it. */
export function valueArbitrary(type: FieldType, depth: number, maxItems: number): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "scalar":
      return scalarArbitrary(type.scalar, type.int64As);
    case "wrapper":
      return scalarArbitrary(type.scalar);
    case "enum":
      return fc.constantFrom(...type.enum.values.map((v) => v.name));
    case "message":
      return initArbitrary(type.record(), depth - 1, maxItems);
    case "timestamp":
      // A plain Date (whole ms) or a PreciseTimestamp (any µs), over the whole TIMESTAMP range.
      return fc.oneof(
        fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }).map((ms) => new Date(ms)),
        fc
          .bigInt({ min: BigInt(MIN_TIMESTAMP_MS) * 1000n, max: BigInt(MAX_TIMESTAMP_MS) * 1000n + 999n })
          .map((micros) => PreciseTimestamp.fromEpochMicros(micros)),
      );
    case "date":
      return fc
        .integer({ min: MIN_DAYS, max: MAX_DAYS })
        .map((days) => new Date(days * 86_400_000).toISOString().slice(0, 10));
    case "duration":
      return fc.bigInt({ min: -MAX_DURATION_MICROS, max: MAX_DURATION_MICROS });
    case "decimal":
      return decimalArbitrary(type.precision, type.scale);
    case "json":
      return jsonArbitrary(type.wellKnown);
    case "list":
      if (type.wellKnown === "FieldMask") return fc.array(fieldMaskPath(), { maxLength: maxItems });
      return fc.array(valueArbitrary(type.element, depth, maxItems), { maxLength: maxItems });
    case "map":
      return fc
        .array(fc.tuple(mapKeyArbitrary(type.key), valueArbitrary(type.value, depth, maxItems)), {
          maxLength: maxItems,
        })
        .map((entries) => new Map(entries));
  }
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const UINT32 = { min: 0, max: 2 ** 32 - 1 };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };

function scalarArbitrary(kind: ScalarKind, int64As: "bigint" | "string" | "number" = "bigint"): fc.Arbitrary<unknown> {
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return fc.integer(INT32);
    case "uint32":
    case "fixed32":
      return fc.integer(UINT32);
    case "int64":
    case "sint64":
    case "sfixed64":
      return int64Of(fc.bigInt(INT64), int64As);
    case "uint64":
    case "fixed64":
      return int64Of(fc.bigInt(UINT64), int64As);
    case "float":
      return fc.float();
    case "double":
      return fc.double();
    case "bool":
      return fc.boolean();
    case "string":
      return text();
    case "bytes":
      return fc.uint8Array({ maxLength: 16 });
  }
}

/** A 64-bit integer as the field's `jstype` holds it (a `number` only within 2^53, where it is exact). */
function int64Of(values: fc.Arbitrary<bigint>, as: "bigint" | "string" | "number"): fc.Arbitrary<unknown> {
  if (as === "bigint") return values;
  if (as === "string") return values.map(String);
  return values.filter((v) => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)).map(Number);
}

/** Any Unicode text (whole code points: a lone surrogate is not a proto string). */
function text(): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ unit: "binary", maxLength: 12 }), fc.string({ maxLength: 8 }));
}

function mapKeyArbitrary(kind: ScalarKind): fc.Arbitrary<unknown> {
  // Map keys are held as the scalar's TypeScript type (64-bit keys as bigint).
  return scalarArbitrary(kind);
}

/** Decimal text within DECIMAL(precision, scale), written with exactly `scale` fraction digits. */
function decimalArbitrary(precision: number, scale: number): fc.Arbitrary<string> {
  const max = 10n ** BigInt(precision) - 1n;
  return fc.bigInt({ min: -max, max }).map((unscaled) => decimalText(unscaled, scale));
}

export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const whole = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${whole}` : whole;
}

/**
 * JSON values that proto3 JSON can hold: finite numbers only (a Struct cannot hold NaN), objects of any keys. No -0:
 * a JSON value's column holds its JSON text, where `JSON.stringify` writes -0 as 0.
 */
function jsonArbitrary(wellKnown: "Struct" | "Value" | "ListValue" | "Any"): fc.Arbitrary<unknown> {
  const value = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
      text(),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(text(), tie("value"), { maxKeys: 3 }),
    ),
  })).value;
  switch (wellKnown) {
    case "Struct":
      return fc.dictionary(text(), value, { maxKeys: 4 });
    case "ListValue":
      return fc.array(value, { maxLength: 4 });
    case "Value":
      return value;
    case "Any":
      return fc.constant({ "@type": "type.googleapis.com/google.protobuf.Empty" });
  }
}

/** A FieldMask path that has a reversible JSON form: snake_case segments joined by dots. */
function fieldMaskPath(): fc.Arbitrary<string> {
  const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,4}(_[a-z][a-z0-9]{0,3}){0,2}$/);
  return fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("."));
}
