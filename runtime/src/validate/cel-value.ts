/**
 * Record values as CEL sees them, for the rules generated validators evaluate with the CEL interpreter: integers are
 * `bigint` (unsigned ones `CelUint`), enums their numbers, Timestamp, Duration and FieldMask their protobuf messages, a nested
 * record a map from proto field names to values (fields with presence only when set), wrappers `null` when unset.
 * The field types are the record descriptors' own (`RecordDescriptor`), so no descriptor set is needed at run time.
 */
import { type CelInput, type CelMap, type CelValue, celMap, celUint, isCelUint } from "@bufbuild/cel";
import { create } from "@bufbuild/protobuf";
import { DurationSchema, FieldMaskSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import type { FieldType, RecordDescriptor, ScalarKind } from "../records/descriptor.js";
import { epochMicrosOf } from "../records/precise-timestamp.js";

/** A value of a record field of `type` (as the record class holds it) as a CEL value. */
export function toCel(value: unknown, type: FieldType): CelInput {
  switch (type.kind) {
    case "scalar":
      return scalarToCel(value, type.scalar);
    case "wrapper":
      return value === undefined || value === null ? null : scalarToCel(value, type.scalar);
    case "enum": {
      if (typeof value === "number") return BigInt(value);
      const found = type.enum.values.find((v) => v.name === value);
      return BigInt(found?.number ?? 0);
    }
    case "message":
      return value === undefined ? defaultOf(type) : recordToCel(value as object, type.record());
    case "timestamp":
      return timestampFromMicros(epochMicrosOf(value as Date));
    case "duration":
      return durationFromMicros(value as bigint);
    case "date":
    case "decimal":
      return value as string;
    case "json":
      return jsonToCel(value);
    case "list":
      if (type.wellKnown === "FieldMask") return create(FieldMaskSchema, { paths: [...(value as readonly string[])] });
      return (value as readonly unknown[]).map((e) => toCel(e, type.element));
    case "map": {
      const out = new Map<CelInput, CelInput>();
      for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
        out.set(scalarToCel(k, type.key), toCel(v, type.value));
      }
      return out as CelInput;
    }
  }
}

function scalarToCel(value: unknown, scalar: ScalarKind): CelInput {
  switch (scalar) {
    case "int32":
    case "sint32":
    case "sfixed32":
    case "int64":
    case "sint64":
    case "sfixed64":
      return BigInt(value as number | bigint | string);
    case "uint32":
    case "fixed32":
    case "uint64":
    case "fixed64":
      return celUint(BigInt(value as number | bigint | string));
    default:
      return value as CelInput;
  }
}

/**
 * A record as a CEL map by proto field name, with protobuf's presence: `has(r.f)` is false for an unset field with
 * presence and for an implicit-presence field holding its zero value, and reading an unset field gives its default
 * (an unset nested record reads as an empty one, built only when read, so recursive types stay finite).
 */
export function recordToCel(record: object, descriptor: RecordDescriptor): CelMap {
  const holder = record as Record<string, unknown>;
  const values = new Map<string, CelInput>();
  const present = new Set<string>();
  const unset = new Map<string, FieldType>();
  for (const field of descriptor.fields) {
    let value: unknown;
    if (field.oneof !== undefined) {
      const union = holder[field.oneof] as { case?: string; value?: unknown } | undefined;
      value = union?.case === field.name ? union.value : undefined;
    } else {
      value = holder[field.name];
    }
    if (value === undefined) {
      unset.set(field.protoName, field.type);
      continue;
    }
    const cel = toCel(value, field.type);
    values.set(field.protoName, cel);
    if (field.oneof !== undefined || field.nullable || !isZero(cel)) present.add(field.protoName);
  }
  const map = celMap(values as Map<string, CelInput>) as CelMap & {
    get(key: unknown): CelValue | undefined;
    has(key: unknown): boolean;
  };
  const get = map.get.bind(map);
  // Own properties over NativeMap's methods: `has` is presence, `get` falls back to the field's default.
  Object.defineProperty(map, "has", { value: (key: unknown) => typeof key === "string" && present.has(key) });
  Object.defineProperty(map, "get", {
    value: (key: unknown): CelValue | undefined => {
      const type = typeof key === "string" ? unset.get(key) : undefined;
      return type === undefined ? get(key) : (defaultOf(type) as CelValue);
    },
  });
  return map;
}

function isZero(v: CelInput): boolean {
  if (v === 0n || v === 0 || v === "" || v === false || v === null) return true;
  if (v instanceof Uint8Array || Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (isCelUint(v)) return v.value === 0n;
  return false;
}

/** What CEL reads from an unset field of `type`. */
function defaultOf(type: FieldType): CelInput {
  switch (type.kind) {
    case "scalar":
      switch (type.scalar) {
        case "bool":
          return false;
        case "string":
          return "";
        case "bytes":
          return new Uint8Array();
        case "float":
        case "double":
          return 0;
        default:
          return scalarToCel(0n, type.scalar);
      }
    case "enum":
      return 0n;
    case "message":
      return recordToCel({}, type.record());
    case "timestamp":
      return timestampFromMicros(0n);
    case "duration":
      return durationFromMicros(0n);
    case "date":
    case "decimal":
      return "";
    case "wrapper":
    case "json":
      return null;
    case "list":
      return type.wellKnown === "FieldMask" ? create(FieldMaskSchema) : [];
    case "map":
      return new Map() as CelInput;
  }
}

function durationFromMicros(us: bigint): CelInput {
  const seconds = us / 1_000_000n;
  const nanos = Number(us % 1_000_000n) * 1000;
  return create(DurationSchema, { seconds, nanos });
}

/** A Timestamp message of exactly `us` µs since the epoch (`nanos` is never negative, as protobuf requires). */
function timestampFromMicros(us: bigint): CelInput {
  let seconds = us / 1_000_000n;
  let micros = us % 1_000_000n;
  if (micros < 0n) {
    seconds -= 1n;
    micros += 1_000_000n;
  }
  return create(TimestampSchema, { seconds, nanos: Number(micros) * 1000 });
}

function jsonToCel(value: unknown): CelInput {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(jsonToCel);
  if (value !== null && typeof value === "object") {
    const out: Record<string, CelInput> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonToCel(v);
    return out;
  }
  return value as CelInput;
}
