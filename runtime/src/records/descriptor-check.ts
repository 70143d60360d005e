/**
 * Checks a descriptor once (results cached per descriptor object) before anything is derived from it, so every
 * schema function and codec can rely on: no recursive message used as a column (Spark, Arrow and Parquet have no
 * recursive types), DECIMAL precision 1–38 and 0 ≤ scale ≤ precision, map keys of a kind proto allows, unique
 * property and column names (columns compared case-insensitively, as Spark and Delta resolve them), and oneofs
 * whose members exist.
 */
import type { FieldDescriptor, FieldType, RecordDescriptor } from "./descriptor.js";
import { RecordSchemaError } from "./errors.js";

const checked = new WeakSet<RecordDescriptor>();
const MAX_PRECISION = 38;

/** Throws `RecordSchemaError` if `d` (or a message it uses) cannot be mapped to columns. */
export function checkDescriptor(d: RecordDescriptor): void {
  if (checked.has(d)) return;
  checkRecord(d, [d.typeName]);
  checked.add(d);
}

function checkRecord(d: RecordDescriptor, stack: readonly string[]): void {
  const names = new Set<string>();
  const columns = new Map<string, string>();
  for (const field of d.fields) {
    const where = `${d.typeName}.${field.protoName}`;
    if (names.has(field.name)) throw new RecordSchemaError(`${where}: property name "${field.name}" is used twice`);
    names.add(field.name);
    if (field.column === "") throw new RecordSchemaError(`${where}: the column name is empty`);
    const folded = field.column.toLowerCase();
    const other = columns.get(folded);
    if (other !== undefined) {
      throw new RecordSchemaError(
        `${where}: column "${field.column}" clashes with column "${other}" (Spark column names are case-insensitive)`,
      );
    }
    columns.set(folded, field.column);
    checkType(field.type, where, stack);
  }
  for (const oneof of d.oneofs) {
    for (const member of oneof.fields) {
      const field = d.fields.find((f) => f.name === member);
      if (field === undefined) {
        throw new RecordSchemaError(`${d.typeName}: oneof ${oneof.protoName} names a missing field "${member}"`);
      }
      if (field.oneof !== oneof.name) {
        throw new RecordSchemaError(
          `${d.typeName}.${field.protoName}: member of oneof ${oneof.protoName} without oneof`,
        );
      }
    }
  }
  for (const field of d.fields) {
    if (field.oneof !== undefined && !d.oneofs.some((o) => o.name === field.oneof)) {
      throw new RecordSchemaError(`${d.typeName}.${field.protoName}: oneof "${field.oneof}" is not declared`);
    }
  }
}

function checkType(type: FieldType, where: string, stack: readonly string[]): void {
  switch (type.kind) {
    case "decimal":
      if (!Number.isInteger(type.precision) || type.precision < 1 || type.precision > MAX_PRECISION) {
        throw new RecordSchemaError(`${where}: DECIMAL precision must be 1 to ${MAX_PRECISION}, got ${type.precision}`);
      }
      if (!Number.isInteger(type.scale) || type.scale < 0 || type.scale > type.precision) {
        throw new RecordSchemaError(`${where}: DECIMAL scale must be 0 to ${type.precision}, got ${type.scale}`);
      }
      return;
    case "list":
      if (type.wellKnown === "FieldMask" && !(type.element.kind === "scalar" && type.element.scalar === "string")) {
        throw new RecordSchemaError(`${where}: a google.protobuf.FieldMask is a list of strings (its paths)`);
      }
      checkType(type.element, where, stack);
      return;
    case "map":
      if (type.key === "float" || type.key === "double" || type.key === "bytes") {
        throw new RecordSchemaError(`${where}: a map key cannot be ${type.key}`);
      }
      checkType(type.value, where, stack);
      return;
    case "message": {
      const nested = type.record();
      if (stack.includes(nested.typeName)) {
        const cycle = [...stack.slice(stack.indexOf(nested.typeName)), nested.typeName].join(" → ");
        throw new RecordSchemaError(
          `${where}: recursive message ${nested.typeName} cannot be a column (${cycle}); Spark, Arrow and Parquet have no recursive types`,
        );
      }
      checkRecord(nested, [...stack, nested.typeName]);
      return;
    }
    default:
      return;
  }
}

/** The value of `field` in `record`, unwrapping the `{ case, value }` union for oneof members. */
export function fieldValue(record: object, field: FieldDescriptor): unknown {
  const source = record as Record<string, unknown>;
  if (field.oneof === undefined) return source[field.name];
  const union = source[field.oneof];
  if (typeof union !== "object" || union === null) return undefined;
  const { case: selected, value } = union as { case?: unknown; value?: unknown };
  return selected === field.name ? value : undefined;
}

/** A oneof property holding a case that is none of its members (checked once per record). */
export function unknownOneofCases(d: RecordDescriptor, record: object): { oneof: string; selected: unknown }[] {
  const found: { oneof: string; selected: unknown }[] = [];
  for (const oneof of d.oneofs) {
    const union = (record as Record<string, unknown>)[oneof.name];
    if (union === undefined || union === null) continue;
    const selected = typeof union === "object" ? (union as { case?: unknown }).case : union;
    if (selected !== undefined && !oneof.fields.includes(selected as string))
      found.push({ oneof: oneof.name, selected });
  }
  return found;
}

/** Whether `value` can hold fields: an object or class instance, not an array, Map, Date or typed array. */
export function isRecordLike(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Date) &&
    !ArrayBuffer.isView(value)
  );
}
