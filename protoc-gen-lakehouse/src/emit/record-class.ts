/**
 * A record class: typed properties, an `<Name>Init` type, a constructor filling proto3 defaults and ingest metadata,
 * the `RecordDescriptor` as data, and one-line methods that hand the descriptor to the runtime.
 */
import type { DescOneof } from "@bufbuild/protobuf";
import type { ImportSymbol, Printable } from "@bufbuild/protoplugin";
import { isFieldMask } from "@lakehouse-contracts/schema";
import type { Problem } from "../errors.js";
import type { ColumnModel, RecordModel } from "../model/record.js";
import { type EmitContext, localTypeName } from "./context.js";
import { recordLiteral, tableLiteral } from "./descriptor.js";
import { render } from "./literal.js";
import { convertDefined, initType, propertyIsOptional, propertyType, valueType, zeroValue } from "./types.js";
import { emitValidatorMembers } from "./validator.js";

type Code = (string | ImportSymbol)[];

export function emitRecordClass(ctx: EmitContext, record: RecordModel, problems: Problem[]): void {
  emitInit(ctx, record);
  const { f } = ctx;
  const name = localTypeName(record.message);
  f.print(f.jsDoc(record.message));
  f.print(f.export("class", name), " {");
  emitProperties(ctx, record);
  if (record.table !== undefined) {
    f.print(f.jsDoc("The table this record is a row of (the `table` option).", "  "));
    const head = "  static readonly table: TableDescriptor = ";
    f.print(
      "  static readonly table: ",
      ctx.runtime("TableDescriptor", true),
      " = ",
      ...render(tableLiteral(record.table), 2, head.length, 1),
      ";",
    );
    f.print();
  }
  f.print(f.jsDoc("Fields, column types and table options as data: what the runtime derives everything from.", "  "));
  const head = "  static readonly descriptor: RecordDescriptor = ";
  f.print(
    "  static readonly descriptor: ",
    ctx.runtime("RecordDescriptor", true),
    " = ",
    ...render(recordLiteral(ctx, record, name), 2, head.length, 1),
    ";",
  );
  f.print();
  emitConstructor(ctx, record, name);
  emitMethods(ctx, record, name);
  emitProtoInterop(ctx, name);
  f.print();
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
      printUnion(ctx, `  ${member.oneof.localName}?:`, [
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
      printUnion(ctx, `  ${member.oneof.localName}:`, oneofCases(ctx, record, member.oneof, "value"));
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
  const target = `this.${oneof.localName}`;
  const source = `init.${oneof.localName}`;
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

function emitMethods(ctx: EmitContext, record: RecordModel, name: string): void {
  const { f } = ctx;
  const d = `${name}.descriptor`;
  const method = (doc: string, ...lines: Printable[][]): void => {
    f.print(f.jsDoc(doc, "  "));
    for (const line of lines) f.print(...line);
    f.print();
  };
  method(
    `Creates a record; the same as \`new ${name}(init)\`.`,
    [`  static create(init: ${name}Init = {}): ${name} {`],
    [`    return new ${name}(init);`],
    ["  }"],
  );
  method(
    "Decodes untrusted proto3 JSON strictly (unknown fields, wrong types and overflow are errors, all reported).\n@throws the runtime's JsonDecodeError",
    [`  static fromJson(json: unknown): ${name} {`],
    [`    const result = ${name}.safeFromJson(json);`],
    ["    if (!result.ok) throw result.error;"],
    ["    return result.value;"],
    ["  }"],
  );
  method(
    "Like `fromJson`, but returns `{ ok: false, error }` instead of throwing.",
    ["  static safeFromJson(json: unknown) {"],
    ["    const result = ", ctx.runtime("decodeJson"), `(${d}, json);`],
    [`    return result.ok ? { ok: true as const, value: new ${name}(result.value as ${name}Init) } : result;`],
    ["  }"],
  );
  method(
    "The record as proto3 JSON.",
    ["  toJson() {"],
    ["    return ", ctx.runtime("encodeJson"), `(${d}, this);`],
    ["  }"],
  );
  for (const [getter, doc] of [
    ["arrowSchema", "The Arrow schema of a table of these records."],
    ["sparkSchema", "The Spark schema (StructType) of these records."],
    ["sparkDdl", "The Spark DDL column list of these records."],
    ["parquetSchema", "The Parquet schema of these records."],
  ] as const) {
    method(doc, [`  static get ${getter}() {`], ["    return ", ctx.runtime(getter), `(${d});`], ["  }"]);
  }
  if (record.table !== undefined) {
    method(
      "`CREATE TABLE` (Delta) for this record's table: columns, NOT NULL, comments, partitioning and clustering.",
      ["  static createTableSql(options?: { location?: string; tableName?: string; ifNotExists?: boolean }) {"],
      ["    return ", ctx.runtime("createTableSql"), `(${d}, options);`],
      ["  }"],
    );
  }
  method(
    "An Arrow table of `records`, column by column with the exact schema.",
    [`  static toArrow(records: readonly ${name}[]) {`],
    ["    return ", ctx.runtime("toArrow"), `(${d}, records);`],
    ["  }"],
  );
  const fromArrow = ctx.runtime("fromArrow");
  method(
    "The records of an Arrow table with this record's schema.",
    ["  static fromArrow(table: Parameters<typeof ", fromArrow, `>[1]): ${name}[] {`],
    ["    return ", fromArrow, `(${d}, table).map((row) => new ${name}(row as ${name}Init));`],
    ["  }"],
  );
  f.print(f.jsDoc("A Parquet file of `records`.", "  "));
  f.print(`  static toParquet(records: readonly ${name}[]): Promise<Uint8Array> {`);
  f.print("    return ", ctx.runtime("toParquet"), `(${d}, records);`);
  f.print("  }");
}

// ---------------------------------------------------------------------------------------------------------------
// Interop with protoc-gen-es: `fromProto(schema, message)` / `toProto(schema)`. The caller passes the protobuf-es
// schema (`OrderSchema`) it already has, so generated code imports nothing of protoc-gen-es's output; the runtime
// converts through the proto3 JSON mapping (runtime/src/records/proto-interop.ts).
// ---------------------------------------------------------------------------------------------------------------

function emitProtoInterop(ctx: EmitContext, name: string): void {
  const { f } = ctx;
  const schema = ctx.runtime("ProtoSchema", true);
  const message = ctx.runtime("ProtoMessage", true);
  const options = ctx.runtime("ProtoInteropOptions", true);
  f.print();
  f.print(
    f.jsDoc(
      `The record of a protobuf-es message of the same proto type, with \`schema\` its protoc-gen-es schema.\n@example ${name}.fromProto(${name}Schema, message)\n@throws the runtime's JsonDecodeError when values do not fit the record (all listed)`,
      "  ",
    ),
  );
  f.print("  static fromProto<S extends ", schema, ">(");
  f.print("    schema: S,");
  f.print("    message: ", message, "<S>,");
  f.print("    options?: ", options, ",");
  f.print(`  ): ${name} {`);
  f.print(
    "    return new ",
    name,
    "(",
    ctx.runtime("fromProtoMessage"),
    `(${name}.descriptor, schema, message, options) as ${name}Init);`,
  );
  f.print("  }");
  f.print();
  f.print(
    f.jsDoc(
      `This record as a protobuf-es message, with \`schema\` its protoc-gen-es schema.\n@example record.toProto(${name}Schema)`,
      "  ",
    ),
  );
  f.print("  toProto<S extends ", schema, ">(schema: S, options?: ", options, "): ", message, "<S> {");
  f.print("    return ", ctx.runtime("toProtoMessage"), `(${name}.descriptor, schema, this, options);`);
  f.print("  }");
}
