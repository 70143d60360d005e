/** Small facts about field types that the plugin, the runtime and review all ask. */
import type { EnumDescriptor, FieldType, ScalarKind, TypeRefs } from "./descriptor.js";

/** Whether a scalar is a 64-bit integer (the ones `jstype` applies to). */
export function is64Bit(scalar: ScalarKind): boolean {
  return (
    scalar === "int64" || scalar === "sint64" || scalar === "sfixed64" || scalar === "uint64" || scalar === "fixed64"
  );
}

/** google.protobuf.FieldMask's field type: its paths, a list of strings marked as a FieldMask. */
export const FIELD_MASK_TYPE = {
  kind: "list",
  element: { kind: "scalar", scalar: "string" },
  wellKnown: "FieldMask",
} as const satisfies FieldType<TypeRefs>;

/** Whether a field type is a google.protobuf.FieldMask (a singular message field, held as its list of paths). */
export function isFieldMask<R extends TypeRefs>(
  type: FieldType<R>,
): type is Extract<FieldType<R>, { kind: "list" }> & { readonly wellKnown: "FieldMask" } {
  return type.kind === "list" && type.wellKnown === "FieldMask";
}

/** The record a field type refers to, directly or through a list or map; undefined for other types. */
export function referencedRecord<R extends TypeRefs>(type: FieldType<R>): R["record"] | undefined {
  switch (type.kind) {
    case "message":
      return type.record;
    case "list":
      return referencedRecord(type.element);
    case "map":
      return referencedRecord(type.value);
    default:
      return undefined;
  }
}

/** proto3's default of an enum: the value numbered 0 (proto2's closed enums: the first value). */
export function zeroEnumValue(desc: Pick<EnumDescriptor, "values">): string {
  return (desc.values.find((v) => v.number === 0) ?? desc.values[0])?.name ?? "";
}

/**
 * Whether a field of `type` is nullable unless its contract says more: oneof members are; proto3 scalars, enums
 * and decimal text are NOT NULL (`optional` makes them nullable); lists and maps are NOT NULL (absent means empty);
 * message-typed fields (records, wrappers, timestamps, JSON values, FieldMasks) are nullable. Generated
 * descriptors (the runtime's codegenv1 seam) write `nullable` only where a field differs from this.
 */
export function defaultNullable<R extends TypeRefs>(type: FieldType<R>, inOneof: boolean): boolean {
  if (inOneof) return true;
  switch (type.kind) {
    case "scalar":
    case "enum":
    case "decimal":
    case "map":
      return false;
    case "list":
      return isFieldMask(type);
    case "message":
    case "timestamp":
    case "date":
    case "duration":
    case "wrapper":
    case "json":
      return true;
  }
}
