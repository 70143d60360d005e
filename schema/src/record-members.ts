/**
 * The members a generated record class inherits from the runtime (the record base of its `codegenv1` seam,
 * runtime/src/codegenv1/record.ts), named here because the plugin, which must not import the runtime, has to keep
 * fields from shadowing them. A test holds the runtime's base to this list.
 */

/** The seam generated code imports: `@lakehouse-contracts/runtime/codegenv1`. A change to its shape is a codegenv2. */
export const CODEGEN_SEAM = "codegenv1";

/** The instance methods of every record class (from the seam's base); a field's property must not shadow them. */
export const RECORD_INSTANCE_MEMBERS: readonly string[] = ["toJson", "toProto", "validate"];

/**
 * The property of a field or oneof whose protobuf-es `localName` is `localName`: escaped with a `$`, the way
 * protobuf-es escapes `constructor` and `toString` (already in `localName`), when it is a record method
 * (`to_proto` → `toProto$`). Static members (`descriptor`, `check`, …) live on the class, not on records, so a field
 * may take their names.
 */
export function recordPropertyName(localName: string): string {
  return RECORD_INSTANCE_MEMBERS.includes(localName) ? `${localName}$` : localName;
}
