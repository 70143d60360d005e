/**
 * The `RecordDescriptor` of a record as a literal: plain data, the contract with the runtime (the schema package's
 * descriptor.ts).
 */
import type { ColumnType } from "../mapping/column-type.js";
import type { ColumnModel, RecordModel, TableModel } from "../model/record.js";
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

function fieldLiteral(ctx: EmitContext, column: ColumnModel): Literal {
  return obj({
    name: str(column.name),
    protoName: str(column.field.name),
    jsonName: str(column.field.jsonName),
    number: code(String(column.field.number)),
    column: str(column.column),
    type: fieldTypeLiteral(ctx, column.type),
    nullable: code(String(column.nullable)),
    oneof: column.oneof === undefined ? undefined : str(column.oneof.localName),
    comment: column.comment === undefined ? undefined : str(column.comment),
    sensitive: column.sensitive ? code("true") : undefined,
    role: column.role === undefined ? undefined : str(column.role),
  });
}

export function tableLiteral(table: TableModel): Literal {
  return obj({
    name: str(table.name),
    catalog: table.catalog === undefined ? undefined : str(table.catalog),
    schema: table.schema === undefined ? undefined : str(table.schema),
    primaryKey: arr(table.primaryKey.map(str)),
    partitionBy: arr(table.partitionBy.map(str)),
    clusterBy: arr(table.clusterBy.map(str)),
    comment: table.comment === undefined ? undefined : str(table.comment),
  });
}

/** `className` is the class the descriptor is a static member of (its `table` is referred to, not repeated). */
export function recordLiteral(ctx: EmitContext, record: RecordModel, className: string): Literal {
  return obj({
    typeName: str(record.message.typeName),
    fields: arr(record.columns.map((column) => fieldLiteral(ctx, column))),
    oneofs: arr(
      record.oneofs.map((oneof) =>
        obj({
          name: str(oneof.localName),
          protoName: str(oneof.name),
          fields: arr(oneof.fields.map((field) => str(field.localName))),
        }),
      ),
    ),
    table: record.table === undefined ? undefined : code(`${className}.table`),
    comment: record.comment === undefined ? undefined : str(record.comment),
  });
}
