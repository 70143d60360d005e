/**
 * A record's protovalidate rules as the schema package's `RuleRecord` (flat rule entries per field, with each
 * field's Spark type, enum and nested record), so that the schema's one translation (`recordCheckConstraints`)
 * gives its table's CHECK constraints and the rules only the client checks: for the table descriptor the plugin
 * emits (model/record.ts), the catalogue (emit/docs.ts) and contract review.
 */
import { type DescEnum, type DescMessage, getOption, hasOption } from "@bufbuild/protobuf";
import {
  type RecordChecks,
  type RecordResolver,
  type RuleEnum,
  type RuleField,
  type RuleRecord,
  recordCheckConstraints,
  referencedRecord,
  sparkTypeOf,
} from "@lakehouse-contracts/schema";
import { message as messageRules } from "../gen/buf/validate/validate_pb.js";
import type { ColumnType, ProtoRefs } from "../mapping/column-type.js";
import type { ColumnModel } from "../model/record.js";
import { fieldRuleEntries } from "./entries.js";

/** How the rule model reaches a nested record's columns (the record model, which imports this module). */
export type ColumnsOf = (message: DescMessage) => readonly ColumnModel[];

/** The CHECK constraints of a record's table and its client-only rules. */
export function recordChecks(
  message: DescMessage,
  columns: readonly ColumnModel[],
  columnsOf: ColumnsOf,
  recordColumns: RecordResolver<ProtoRefs>,
): RecordChecks {
  return recordCheckConstraints(ruleRecord(message, columns, columnsOf, recordColumns, new Set()));
}

function ruleRecord(
  message: DescMessage,
  columns: readonly ColumnModel[],
  columnsOf: ColumnsOf,
  recordColumns: RecordResolver<ProtoRefs>,
  seen: ReadonlySet<string>,
): RuleRecord {
  const inside = new Set([...seen, message.typeName]);
  const fields = columns.map((c): RuleField => {
    const target = referencedRecord(c.type);
    const enumType = enumOf(c.type);
    return {
      column: c.column,
      type: sparkTypeOf(c.type, recordColumns, c.nullable),
      presence: c.nullable,
      rules: fieldRuleEntries(c.field),
      ...(c.oneof === undefined ? {} : { oneof: c.oneof.name }),
      ...(enumType === undefined ? {} : { enum: enumType }),
      // A recursive record has no table (the model reports it); its rules stop where it recurs.
      ...(target === undefined || inside.has(target.typeName)
        ? {}
        : { record: ruleRecord(target, columnsOf(target), columnsOf, recordColumns, inside) }),
    };
  });
  const ids = messageRuleIds(message);
  return { fields, ...(ids.length === 0 ? {} : { messageRules: ids }) };
}

/** The ids of a message's own rules: its CEL (by id, or expression where it has none) and its oneof rules. */
function messageRuleIds(message: DescMessage): string[] {
  if (!hasOption(message, messageRules)) return [];
  const rules = getOption(message, messageRules);
  return [
    ...rules.cel.map((r) => r.id || r.expression),
    ...rules.celExpression,
    ...rules.oneof.map((o) => `oneof(${o.fields.join(", ")})`),
  ];
}

function enumOf(type: ColumnType): RuleEnum | undefined {
  const of = (desc: DescEnum, asInt: boolean | undefined): RuleEnum => ({
    values: desc.values.map((v) => ({ name: v.name, number: v.number })),
    asInt: asInt === true,
  });
  if (type.kind === "enum") return of(type.enum, type.asInt);
  if (type.kind === "list" && type.element.kind === "enum") return of(type.element.enum, type.element.asInt);
  if (type.kind === "map" && type.value.kind === "enum") return of(type.value.enum, type.value.asInt);
  return undefined;
}
