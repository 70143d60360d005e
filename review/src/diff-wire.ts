/**
 * Wire- and JSON-level changes of the messages and enums present in both versions, by field and value number.
 * The rules follow `buf breaking`'s WIRE_JSON category (cross-checked against buf 1.75 in
 * test/unit/review-buf-breaking.test.ts): a field removed without reserving its number and name, a number reused
 * for another field, a renamed field (JSON uses names), a type outside its WIRE_JSON-compatible group, a change of
 * cardinality or oneof; an enum value removed, renumbered or renamed.
 */
import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { messagesOf } from "@lakehouse-contracts/protoc-gen-lakehouse/model";
import { type Change, change } from "./changes.js";
import type { ContractSnapshot } from "./snapshot.js";

export function diffWire(before: ContractSnapshot, after: ContractSnapshot): Change[] {
  const changes: Change[] = [];
  const afterMessages = new Map(after.files.flatMap(messagesOf).map((m) => [m.typeName, m]));
  const afterEnums = new Map(after.files.flatMap(enumsOf).map((e) => [e.typeName, e]));
  for (const message of before.files.flatMap(messagesOf)) {
    const next = afterMessages.get(message.typeName);
    if (next !== undefined) changes.push(...diffMessage(message, next));
  }
  for (const e of before.files.flatMap(enumsOf)) {
    const next = afterEnums.get(e.typeName);
    if (next !== undefined) changes.push(...diffEnum(e, next));
  }
  return changes;
}

function diffMessage(before: DescMessage, after: DescMessage): Change[] {
  const out: Change[] = [];
  const subject = before.typeName;
  for (const old of before.fields) {
    const next = after.fields.find((f) => f.number === old.number);
    const where = `field \`${old.name} = ${old.number}\` of \`${subject}\``;
    if (next === undefined) {
      const numberReserved = after.proto.reservedRange.some((r) => old.number >= r.start && old.number < r.end);
      const nameReserved = after.proto.reservedName.includes(old.name);
      if (!numberReserved || !nameReserved) {
        out.push(
          change(
            "field-removed",
            subject,
            `${where} was removed without reserving its ${numberReserved ? "name" : nameReserved ? "number" : "number and name"}`,
          ),
        );
      }
      continue;
    }
    const oldType = wireType(old);
    const newType = wireType(next);
    const sameGroup = compatibleGroup(oldType) === compatibleGroup(newType);
    if (old.name !== next.name || old.jsonName !== next.jsonName) {
      out.push(
        sameGroup
          ? change("field-renamed", subject, `${where} was renamed to \`${next.name}\` (proto3 JSON uses field names)`)
          : change(
              "field-number-reused",
              subject,
              `number ${old.number} of \`${subject}\` was \`${oldType} ${old.name}\` and is now \`${newType} ${next.name}\``,
            ),
      );
      if (!sameGroup) continue;
    }
    if (cardinality(old) !== cardinality(next)) {
      out.push(
        change(
          "field-cardinality-changed",
          subject,
          `${where} changed from ${cardinality(old)} to ${cardinality(next)}`,
        ),
      );
    } else if (!sameGroup) {
      out.push(change("field-type-changed", subject, `${where} changed type from \`${oldType}\` to \`${newType}\``));
    }
    if (old.oneof?.name !== next.oneof?.name) {
      const side = (f: DescField) => (f.oneof === undefined ? "no oneof" : `oneof \`${f.oneof.name}\``);
      out.push(change("field-oneof-changed", subject, `${where} moved from ${side(old)} to ${side(next)}`));
    }
  }
  return out;
}

function diffEnum(before: DescEnum, after: DescEnum): Change[] {
  const out: Change[] = [];
  const subject = before.typeName;
  for (const old of before.values) {
    const byNumber = after.values.find((v) => v.number === old.number);
    const byName = after.values.find((v) => v.name === old.name);
    if (byNumber === undefined && byName !== undefined) {
      out.push(
        change(
          "enum-value-renumbered",
          subject,
          `enum value \`${old.name}\` of \`${subject}\` changed number from ${old.number} to ${byName.number}`,
        ),
      );
    } else if (byNumber === undefined) {
      // Enum reserved ranges are inclusive at both ends.
      const numberReserved = after.proto.reservedRange.some((r) => old.number >= r.start && old.number <= r.end);
      if (!numberReserved || !after.proto.reservedName.includes(old.name)) {
        out.push(
          change(
            "enum-value-removed",
            subject,
            `enum value \`${old.name} = ${old.number}\` of \`${subject}\` was removed (rows and messages may hold it)`,
          ),
        );
      }
    } else if (byNumber.name !== old.name) {
      out.push(
        change(
          "enum-value-renamed",
          subject,
          `enum value ${old.number} of \`${subject}\` was renamed from \`${old.name}\` to \`${byNumber.name}\` (JSON and STRING columns hold names)`,
        ),
      );
    }
  }
  for (const value of after.values) {
    if (!before.values.some((v) => v.number === value.number || v.name === value.name)) {
      out.push(
        change("enum-value-added", subject, `enum value \`${value.name} = ${value.number}\` added to \`${subject}\``),
      );
    }
  }
  return out;
}

/** The type as buf names it: a scalar (`int32`), `enum <name>`, `message <name>`; maps and lists by their element. */
function wireType(field: DescField): string {
  switch (field.fieldKind) {
    case "scalar":
      return scalarName(field.scalar);
    case "enum":
      return `enum ${field.enum.typeName}`;
    case "message":
      return `message ${field.message.typeName}`;
    case "list":
      return field.listKind === "scalar"
        ? scalarName(field.scalar)
        : field.listKind === "enum"
          ? `enum ${field.enum.typeName}`
          : `message ${field.message.typeName}`;
    case "map":
      return `map<${scalarName(field.mapKey)}, ${
        field.mapKind === "scalar"
          ? scalarName(field.scalar)
          : field.mapKind === "enum"
            ? field.enum.typeName
            : field.message.typeName
      }>`;
  }
}

function scalarName(scalar: number): string {
  // ScalarType numbers are FieldDescriptorProto.Type numbers.
  const names: Record<number, string> = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "fixed64",
    7: "fixed32",
    8: "bool",
    9: "string",
    12: "bytes",
    13: "uint32",
    15: "sfixed32",
    16: "sfixed64",
    17: "sint32",
    18: "sint64",
  };
  return names[scalar] ?? `scalar ${scalar}`;
}

/**
 * Types that stay readable on the wire and in proto3 JSON when exchanged (buf's WIRE_JSON: varints of the same
 * width and JSON form, fixed-width integers of the same width); every other type is its own group.
 */
function compatibleGroup(type: string): string {
  switch (type) {
    case "int32":
    case "uint32":
      return "varint32";
    case "int64":
    case "uint64":
      return "varint64";
    case "fixed32":
    case "sfixed32":
      return "fixed32";
    case "fixed64":
    case "sfixed64":
      return "fixed64";
    default:
      return type;
  }
}

function cardinality(field: DescField): "singular" | "repeated" | "map" {
  return field.fieldKind === "list" ? "repeated" : field.fieldKind === "map" ? "map" : "singular";
}

function enumsOf(file: { enums: readonly DescEnum[]; messages: readonly DescMessage[] }): DescEnum[] {
  const nested = (m: DescMessage): DescEnum[] => [...m.nestedEnums, ...m.nestedMessages.flatMap(nested)];
  return [...file.enums, ...file.messages.flatMap(nested)];
}
