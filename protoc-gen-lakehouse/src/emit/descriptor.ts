/**
 * The descriptor of a record as generated code writes it: a `RecordSpec` literal for the runtime's codegenv1 seam
 * (runtime/src/codegenv1/describe.ts), which expands it into the `RecordDescriptor` (the schema package's
 * descriptor.ts) once, when the module loads. A spec holds only what cannot be derived: each field's number, proto
 * name and type (scalars, temporal types, enums and records by shorthand), and its JSON name, column, nullability,
 * property name only where they differ from what the seam derives (protobuf-es's name rules, the proto name, the
 * schema's `defaultNullable`). `fieldTypeLiteral` is the full `FieldType`, for the runtime's CEL rules.
 */
import { protoCamelCase } from "@bufbuild/protobuf/reflect";
import { defaultNullable, is64Bit } from "@lakehouse-contracts/schema";
import type { ColumnType } from "../mapping/column-type.js";
import { type ColumnModel, oneofProperty, type RecordModel, type TableModel } from "../model/record.js";
import type { EmitContext } from "./context.js";
import { arr, code, type Literal, obj, str } from "./literal.js";

export function fieldTypeLiteral(ctx: EmitContext, type: ColumnType): Literal {
  switch (type.kind) {
    case "scalar":
      return obj({
        kind: str("scalar"),
        scalar: str(type.scalar),
        int64As: type.int64As === undefined ? undefined : str(type.int64As),
      });
    case "enum":
      return obj({
        kind: str("enum"),
        enum: code(ctx.enumOf(type.enum)),
        asInt: type.asInt ? code("true") : undefined,
      });
    case "message":
      // A thunk: records may refer to records declared later, in another file, or (outside tables) to themselves.
      return obj({ kind: str("message"), record: code("() => ", ctx.classOf(type.record), ".descriptor") });
    case "timestamp":
    case "date":
    case "duration":
      return obj({ kind: str(type.kind) });
    case "wrapper":
      return obj({ kind: str("wrapper"), scalar: str(type.scalar) });
    case "json":
      return obj({ kind: str("json"), wellKnown: str(type.wellKnown) });
    case "decimal":
      return obj({
        kind: str("decimal"),
        precision: code(String(type.precision)),
        scale: code(String(type.scale)),
      });
    case "list":
      // A FieldMask is a list of strings to every columnar codec; JSON (one comma-joined string) and CEL read
      // `wellKnown`.
      return obj({
        kind: str("list"),
        element: fieldTypeLiteral(ctx, type.element),
        wellKnown: type.wellKnown === undefined ? undefined : str(type.wellKnown),
      });
    case "map":
      return obj({ kind: str("map"), key: str(type.key), value: fieldTypeLiteral(ctx, type.value) });
  }
}

/**
 * A field type as a spec: `"string"` for a scalar (a 64-bit one held as a bigint), `"timestamp"`, `"date"`,
 * `"duration"`, the enum's descriptor for an enum held by name, `() => Money.descriptor` for a record; the full
 * `FieldType` otherwise, with list elements and map values as specs.
 */
export function typeSpecLiteral(ctx: EmitContext, type: ColumnType): Literal {
  switch (type.kind) {
    case "scalar":
      return (is64Bit(type.scalar) ? type.int64As === "bigint" : type.int64As === undefined)
        ? str(type.scalar)
        : fieldTypeLiteral(ctx, type);
    case "timestamp":
    case "date":
    case "duration":
      return str(type.kind);
    case "enum":
      return type.asInt ? fieldTypeLiteral(ctx, type) : code(ctx.enumOf(type.enum));
    case "message":
      return code("() => ", ctx.classOf(type.record), ".descriptor");
    case "list":
      return obj({
        kind: str("list"),
        element: typeSpecLiteral(ctx, type.element),
        wellKnown: type.wellKnown === undefined ? undefined : str(type.wellKnown),
      });
    case "map":
      return obj({ kind: str("map"), key: str(type.key), value: typeSpecLiteral(ctx, type.value) });
    case "wrapper":
    case "json":
    case "decimal":
      return fieldTypeLiteral(ctx, type);
  }
}

function fieldSpecLiteral(ctx: EmitContext, column: ColumnModel): Literal {
  const field = column.field;
  const inOneof = column.oneof !== undefined;
  return obj({
    no: code(String(column.number)),
    name: str(field.name),
    // protobuf-es's localName is what the seam derives; the plugin escapes names that shadow a record method.
    localName: column.name === field.localName ? undefined : str(column.name),
    jsonName: field.jsonName === protoCamelCase(field.name) ? undefined : str(field.jsonName),
    column: column.column === field.name ? undefined : str(column.column),
    type: typeSpecLiteral(ctx, column.type),
    nullable: column.nullable === defaultNullable(column.type, inOneof) ? undefined : code(String(column.nullable)),
    oneof: column.oneof === undefined ? undefined : str(column.oneof.name),
    role: column.role === undefined ? undefined : str(column.role),
    sensitive: column.sensitive ? code("true") : undefined,
    comment: column.comment === undefined ? undefined : str(column.comment),
  });
}

function tableSpecLiteral(table: TableModel, recordComment: string | undefined): Literal {
  const list = (names: readonly string[]): Literal | undefined =>
    names.length === 0 ? undefined : arr(names.map(str));
  if (table.comment === undefined && recordComment !== undefined) {
    // The seam would give the table the record's comment; the model never leaves a commented record's table without.
    throw new Error(`table ${table.name}: no comment, but its record has one`);
  }
  return obj({
    name: str(table.name),
    catalog: table.catalog === undefined ? undefined : str(table.catalog),
    schema: table.schema === undefined ? undefined : str(table.schema),
    primaryKey: list(table.primaryKey),
    partitionBy: list(table.partitionBy),
    clusterBy: list(table.clusterBy),
    comment: table.comment === undefined || table.comment === recordComment ? undefined : str(table.comment),
    checks:
      table.checks === undefined
        ? undefined
        : arr(
            table.checks.map((c) =>
              obj({ name: str(c.name), expression: str(c.expression), field: str(c.field), rule: str(c.rule) }),
            ),
          ),
  });
}

/** The `RecordSpec` of a record: what `describe(this, …)` in its class expands. */
export function recordSpecLiteral(ctx: EmitContext, record: RecordModel): Literal {
  const renamed = record.oneofs.filter((oneof) => oneofProperty(oneof) !== oneof.localName);
  return obj({
    typeName: str(record.message.typeName),
    comment: record.comment === undefined ? undefined : str(record.comment),
    table: record.table === undefined ? undefined : tableSpecLiteral(record.table, record.comment),
    fields: arr(record.columns.map((column) => fieldSpecLiteral(ctx, column))),
    oneofNames:
      renamed.length === 0
        ? undefined
        : obj(Object.fromEntries(renamed.map((oneof) => [oneof.name, str(oneofProperty(oneof))]))),
  });
}
