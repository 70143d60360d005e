/**
 * A record class: typed properties, an `<Name>Init` type, the descriptor as data (a spec the runtime expands), a
 * constructor filling proto3 defaults and ingest metadata, and the compiled validator. Everything else (`fromJson`,
 * `toArrow`, `check`, `validate`, …) the class inherits from the base it extends, the runtime's `record()` or
 * `table()` of its codegenv1 seam: generated code is data and wiring, the algorithms live in the runtime once.
 */
import type { DescOneof } from "@bufbuild/protobuf";
import type { ImportSymbol, Printable } from "@bufbuild/protoplugin";
import { isFieldMask } from "@lakehouse-contracts/schema";
import type { Problem } from "../errors.js";
import { type ColumnModel, oneofProperty, type RecordModel } from "../model/record.js";
import { type EmitContext, localTypeName } from "./context.js";
import { recordSpecLiteral } from "./descriptor.js";
import { render } from "./literal.js";
import { convertDefined, initType, propertyIsOptional, propertyType, valueType, zeroValue } from "./types.js";
import { emitValidatorMembers } from "./validator.js";

type Code = (string | ImportSymbol)[];

export function emitRecordClass(ctx: EmitContext, record: RecordModel, problems: Problem[]): void {
  emitInit(ctx, record);
  const { f } = ctx;
  const name = localTypeName(record.message);
  f.print(f.jsDoc(record.message));
  const base = ctx.runtime(record.table === undefined ? "record" : "table");
  f.print(f.export("class", name), " extends ", base, `<${name}, ${name}Init>() {`);
  emitProperties(ctx, record);
  f.print(f.jsDoc("Fields, column types and table options as data: what the runtime derives everything from.", "  "));
  const head = "  static readonly descriptor: RecordDescriptor = describe(this, ";
  f.print(
    "  static readonly descriptor: ",
    ctx.runtime("RecordDescriptor", true),
    " = ",
    ctx.runtime("describe"),
    "(this, ",
    ...render(recordSpecLiteral(ctx, record), 2, head.length, 2),
    ");",
  );
  f.print();
  emitConstructor(ctx, record, name);
  const constants = emitValidatorMembers(ctx, record, name, problems);
  f.print("}");
  f.print();
  for (const line of constants) f.print(...line);
  if (constants.length > 0) f.print();
}

function emitInit(ctx: EmitContext, record: RecordModel): void {
  const { f } = ctx;
  const name = localTypeName(record.message);
  f.print(
    f.jsDoc(
      `The fields of a {@link ${name}}, all optional: what \`new ${name}(init)\` takes.\nNested records may be given as their init objects.`,
    ),
  );
  const members = membersOf(record);
  if (members.length === 0) {
    f.print(f.export("type", `${name}Init`), " = Record<string, never>;");
    f.print();
    return;
  }
  f.print(f.export("interface", `${name}Init`), " {");
  for (const member of members) {
    if (member.kind === "column") {
      f.print("  ", member.column.name, "?: ", ...initType(ctx, member.column.type), " | undefined;");
    } else {
      printUnion(ctx, `  ${oneofProperty(member.oneof)}?:`, [
        ...oneofCases(ctx, record, member.oneof, "init"),
        ["undefined"],
      ]);
    }
  }
  f.print("}");
  f.print();
}

type Member = { kind: "column"; column: ColumnModel } | { kind: "oneof"; oneof: DescOneof };

/** Properties in field order; a oneof takes the place of its first member. */
function membersOf(record: RecordModel): Member[] {
  const members: Member[] = [];
  for (const column of record.columns) {
    if (column.oneof === undefined) {
      members.push({ kind: "column", column });
    } else if (column.oneof.fields[0] === column.field) {
      members.push({ kind: "oneof", oneof: column.oneof });
    }
  }
  return members;
}

function oneofCases(ctx: EmitContext, record: RecordModel, oneof: DescOneof, shape: "value" | "init"): Code[] {
  const cases: Code[] = [];
  for (const column of record.columns) {
    if (column.oneof !== oneof) continue;
    const type = shape === "init" ? initType(ctx, column.type) : valueType(ctx, column.type);
    cases.push([`{ case: "${column.name}"; value: `, ...type, " }"]);
  }
  cases.push(["{ case: undefined; value?: undefined }"]);
  return cases;
}

/** `head` followed by a union type, one member a line (how biome prints unions that do not fit). */
function printUnion(ctx: EmitContext, head: string, cases: Code[]): void {
  ctx.f.print(head);
  for (const [i, c] of cases.entries()) ctx.f.print("    | ", ...c, i === cases.length - 1 ? ";" : "");
}

function emitProperties(ctx: EmitContext, record: RecordModel): void {
  const { f } = ctx;
  for (const member of membersOf(record)) {
    if (member.kind === "column") {
      f.print(f.jsDoc(member.column.field, "  "));
      f.print("  ", member.column.name, ": ", ...propertyType(ctx, member.column), ";");
    } else {
      f.print(f.jsDoc(member.oneof, "  "));
      printUnion(ctx, `  ${oneofProperty(member.oneof)}:`, oneofCases(ctx, record, member.oneof, "value"));
    }
    f.print();
  }
}

function emitConstructor(ctx: EmitContext, record: RecordModel, name: string): void {
  const { f } = ctx;
  const init = membersOf(record).length === 0 ? "_init" : "init";
  const fillsMetadata = record.columns.some(
    (c) => c.role === "ingest_id" || c.role === "created_at" || c.role === "updated_at",
  );
  f.print(
    f.jsDoc(
      fillsMetadata
        ? "Proto3 defaults for absent fields; a new ingest id and the current time for ingest metadata not given."
        : "Proto3 defaults for absent fields; nested records given as init objects become instances.",
      "  ",
    ),
  );
  f.print(`  constructor(${init}: ${name}Init = {}) {`);
  f.print("    super();");
  if (record.columns.some((c) => c.oneof === undefined && (c.role === "created_at" || c.role === "updated_at"))) {
    f.print("    const now = new Date();");
  }
  for (const member of membersOf(record)) {
    if (member.kind === "column") {
      f.print("    this.", member.column.name, " = ", ...initialValue(ctx, member.column), ";");
    } else {
      emitOneofAssignment(ctx, record, member.oneof);
    }
  }
  f.print("  }");
  f.print();
}

function initialValue(ctx: EmitContext, column: ColumnModel): Printable[] {
  const source = `init.${column.name}`;
  switch (column.role) {
    case "ingest_id":
      // proto3 cannot tell "" from absent: an empty id is a missing one.
      return [source, " || ", ctx.runtime("newIngestId"), "()"];
    case "created_at":
    case "updated_at":
      return [source, " ?? now"];
    default:
      break;
  }
  const type = column.type;
  // A FieldMask is a list too, but of a singular message field: absent stays undefined.
  if (type.kind === "list" && !isFieldMask(type)) {
    const element = convertDefined(ctx, type.element, "v");
    return element === undefined ? [`[...(${source} ?? [])]`] : [`${source}?.map((v) => `, ...element, ") ?? []"];
  }
  if (type.kind === "map") {
    return convertDefined(ctx, type, `${source} ?? []`) ?? [];
  }
  const converted = convertDefined(ctx, type, source);
  if (propertyIsOptional(column)) {
    return converted === undefined ? [source] : [`${source} === undefined ? undefined : `, ...converted];
  }
  return [source, " ?? ", zeroValue(type)];
}

function emitOneofAssignment(ctx: EmitContext, record: RecordModel, oneof: DescOneof): void {
  const { f } = ctx;
  const target = `this.${oneofProperty(oneof)}`;
  const source = `init.${oneofProperty(oneof)}`;
  const converting = record.columns
    .filter((c) => c.oneof === oneof)
    .map((c) => ({ column: c, converted: convertDefined(ctx, c.type, `${source}.value`) }))
    .filter((c) => c.converted !== undefined);
  if (converting.length === 0) {
    f.print(`    ${target} = ${source} ?? { case: undefined };`);
    return;
  }
  f.print(`    switch (${source}?.case) {`);
  for (const { column, converted } of converting) {
    f.print(`      case "${column.name}":`);
    f.print(`        ${target} = { case: "${column.name}", value: `, ...(converted ?? []), " };");
    f.print("        break;");
  }
  f.print("      default:");
  f.print(`        ${target} = ${source} ?? { case: undefined };`);
  f.print("    }");
}
