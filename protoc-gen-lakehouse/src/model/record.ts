/**
 * The record model: what the emitters print, built once per message from its descriptor and its lakehouse options,
 * with every contract problem collected (not thrown) so that one run reports them all.
 */
import {
  type DescField,
  type DescFile,
  type DescMessage,
  type DescOneof,
  getOption,
  hasOption,
} from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import {
  type ColumnDescriptor,
  type IngestRole,
  isFieldMask,
  type RecordResolver,
  recordPropertyName,
  type TableDescriptor,
} from "@lakehouse-contracts/schema";
import type { Problem } from "../errors.js";
import {
  field as fieldOption,
  file as fileOption,
  Role,
  table as tableOption,
} from "../gen/lakehouse/v1/options_pb.js";
import { type ColumnType, columnTypeOf, type ProtoRefs } from "../mapping/column-type.js";
import { recordChecks } from "../rules/constraints.js";
import { protoComment } from "./comments.js";

export type { IngestRole } from "@lakehouse-contracts/schema";

/** A column of a record: the schema's `ColumnDescriptor` over protobuf-es descriptors, with its field. */
export interface ColumnModel extends ColumnDescriptor<ProtoRefs> {
  readonly field: DescField;
  /**
   * TypeScript property name: protobuf-es's `localName`, escaped with a `$` where it would shadow a record method
   * (`fieldProperty`); a oneof member's is its `case`.
   */
  readonly name: string;
  readonly oneof?: DescOneof;
  readonly sensitive: boolean;
}

/** A record's table: the schema's `TableDescriptor`, its columns resolved to column names. */
export type TableModel = TableDescriptor;

export interface RecordModel {
  readonly message: DescMessage;
  readonly columns: readonly ColumnModel[];
  /** Real oneofs (proto3 `optional` fields' synthetic oneofs are not among them). */
  readonly oneofs: readonly DescOneof[];
  readonly table?: TableModel;
  readonly comment?: string;
}

/**
 * The TypeScript property of a field: protobuf-es's `localName` (which escapes `constructor`, `toString`, …), escaped
 * too where it is a method every record inherits (`to_proto` → `toProto$`, the schema package's
 * `RECORD_INSTANCE_MEMBERS`). A oneof member is no property: its name is its `case`, protobuf-es's as it is.
 */
export function fieldProperty(field: DescField): string {
  return field.oneof === undefined ? recordPropertyName(field.localName) : field.localName;
}

/** The TypeScript property of a oneof: protobuf-es's `localName`, escaped as a field's is. */
export function oneofProperty(oneof: DescOneof): string {
  return recordPropertyName(oneof.localName);
}

/** Whether a message is a table: it carries the `(lakehouse.v1.table)` option. */
export function isTableMessage(message: DescMessage): boolean {
  return hasOption(message, tableOption);
}

/** Builds the model of one message; problems (with their location) go to `problems`. */
export function buildRecord(message: DescMessage, problems: Problem[]): RecordModel {
  const report = (text: string, field?: string): void => {
    problems.push({
      file: `${message.file.name}.proto`,
      message: message.typeName,
      ...(field === undefined ? {} : { field }),
      text,
    });
  };
  const columns: ColumnModel[] = [];
  for (const field of message.fields) {
    const column = buildColumn(field, (text) => report(text, field.name));
    if (column !== undefined) columns.push(column);
  }
  checkColumnNames(columns, report);
  checkRoles(columns, report);
  const comment = protoComment(message);
  const table = isTableMessage(message) ? buildTable(message, columns, comment, report) : undefined;
  return {
    message,
    columns,
    oneofs: message.oneofs,
    ...(table === undefined ? {} : { table }),
    ...(comment === undefined ? {} : { comment }),
  };
}

function buildColumn(field: DescField, report: (text: string) => void): ColumnModel | undefined {
  const options = getOption(field, fieldOption);
  const decimal = options.decimal;
  const mapped = columnTypeOf(field, {
    enumAsInt: options.enumAsInt,
    ...(decimal === undefined ? {} : { decimal: { precision: decimal.precision, scale: decimal.scale } }),
  });
  if (!mapped.ok) {
    report(mapped.problem);
    return undefined;
  }
  const type = mapped.type;
  const role = roleOf(options.role);
  if (role !== undefined) {
    const problem =
      field.oneof === undefined ? checkRoleType(role, type) : `role ${role.toUpperCase()} cannot be on a oneof member`;
    if (problem !== undefined) report(problem);
  }
  const comment = options.comment !== "" ? options.comment : protoComment(field);
  return {
    field,
    name: fieldProperty(field),
    number: field.number,
    column: options.column !== "" ? options.column : field.name,
    type,
    nullable: isNullable(field),
    ...(field.oneof === undefined ? {} : { oneof: field.oneof }),
    ...(comment === undefined ? {} : { comment }),
    sensitive: options.sensitive,
    ...(role === undefined ? {} : { role }),
  };
}

/**
 * proto3 scalars without `optional` are NOT NULL; `optional`, oneof members and message-typed fields (wrappers,
 * timestamps, nested records, …) are nullable. Lists and maps are NOT NULL: absent means empty.
 */
function isNullable(field: DescField): boolean {
  if (field.fieldKind === "list" || field.fieldKind === "map") return false;
  if (field.oneof !== undefined) return true;
  if (field.fieldKind === "message") return true;
  return field.presence === FeatureSet_FieldPresence.EXPLICIT;
}

function roleOf(role: Role): IngestRole | undefined {
  switch (role) {
    case Role.UNSPECIFIED:
      return undefined;
    case Role.INGEST_ID:
      return "ingest_id";
    case Role.INGEST_SOURCE:
      return "ingest_source";
    case Role.CREATED_AT:
      return "created_at";
    case Role.UPDATED_AT:
      return "updated_at";
  }
}

function checkRoleType(role: IngestRole, type: ColumnType): string | undefined {
  switch (role) {
    case "ingest_id":
    case "ingest_source":
      return type.kind === "scalar" && type.scalar === "string"
        ? undefined
        : `role ${role.toUpperCase()} needs a singular string field, not ${describe(type)}`;
    case "created_at":
    case "updated_at":
      return type.kind === "timestamp"
        ? undefined
        : `role ${role.toUpperCase()} needs a google.protobuf.Timestamp field, not ${describe(type)}`;
  }
}

function describe(type: ColumnType): string {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      return type.kind === "scalar" ? type.scalar : `a ${type.scalar} wrapper`;
    case "enum":
      return `enum ${type.enum.typeName}`;
    case "message":
      return type.record.typeName;
    case "timestamp":
      return "google.protobuf.Timestamp";
    case "date":
      return "google.type.Date";
    case "duration":
      return "google.protobuf.Duration";
    case "json":
      return `google.protobuf.${type.wellKnown}`;
    case "decimal":
      return "a decimal";
    case "list":
      return isFieldMask(type) ? "google.protobuf.FieldMask" : `a repeated field of ${describe(type.element)}`;
    case "map":
      return "a map";
  }
}

/** Spark resolves column names case-insensitively by default, so `Id` and `id` are duplicates too. */
function checkColumnNames(columns: readonly ColumnModel[], report: (text: string, field?: string) => void): void {
  const seen = new Map<string, ColumnModel>();
  for (const column of columns) {
    const key = column.column.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, column);
    } else {
      report(
        `duplicate column name "${column.column}" (also the column of field ${first.field.name})`,
        column.field.name,
      );
    }
  }
}

function checkRoles(columns: readonly ColumnModel[], report: (text: string, field?: string) => void): void {
  const seen = new Map<IngestRole, ColumnModel>();
  for (const column of columns) {
    if (column.role === undefined) continue;
    const first = seen.get(column.role);
    if (first === undefined) {
      seen.set(column.role, column);
    } else {
      report(`role ${column.role.toUpperCase()} is also on field ${first.field.name}`, column.field.name);
    }
  }
}

function buildTable(
  message: DescMessage,
  columns: readonly ColumnModel[],
  messageComment: string | undefined,
  report: (text: string, field?: string) => void,
): TableModel {
  const options = getOption(message, tableOption);
  const defaults = getOption(message.file, fileOption);
  const resolve = (names: readonly string[], what: string): string[] => {
    const resolved: string[] = [];
    for (const name of names) {
      const column =
        columns.find((c) => c.field.name === name) ??
        columns.find((c) => c.column.toLowerCase() === name.toLowerCase());
      if (column === undefined) {
        const exists = message.fields.some((f) => f.name === name);
        // A field whose own mapping failed was reported already; do not report it twice.
        if (!exists) report(`${what} column "${name}" does not exist`, name);
        continue;
      }
      // A FieldMask passes, as it did while it had a kind of its own (though Delta cannot partition by its array).
      const kind = isFieldMask(column.type) ? "fieldMask" : column.type.kind;
      if (kind === "list" || kind === "map" || kind === "message" || kind === "json") {
        const shape = kind === "list" ? "repeated" : kind === "map" ? "a map" : "a message";
        report(
          `${what} column "${column.column}" is ${shape}; only scalar columns can be ${what} columns`,
          column.field.name,
        );
        continue;
      }
      if (resolved.includes(column.column)) {
        report(`${what} column "${column.column}" is listed twice`, column.field.name);
        continue;
      }
      resolved.push(column.column);
    }
    return resolved;
  };
  const catalog = options.catalog !== "" ? options.catalog : defaults.catalog;
  const schema = options.schema !== "" ? options.schema : defaults.schema;
  const comment = options.comment !== "" ? options.comment : messageComment;
  let recursive = false;
  checkRecursion(message, columns, (text, field) => {
    recursive = true;
    report(text, field);
  });
  // The table enforces the rules Spark SQL says exactly, unless the contract opts out (or has no finite schema).
  const checks =
    options.checkConstraints === false || recursive
      ? []
      : recordChecks(message, columns, (m) => buildRecord(m, []).columns, recordColumns).constraints;
  if (options.partitionBy.length > 0 && options.clusterBy.length > 0) {
    // Delta tables use either Hive-style partitions or liquid clustering, never both.
    report("a Delta table is either partitioned (partition_by) or clustered (cluster_by), not both");
  }
  return {
    name: options.name !== "" ? options.name : snakeCase(message.name),
    ...(catalog === "" ? {} : { catalog }),
    ...(schema === "" ? {} : { schema }),
    primaryKey: resolve(options.primaryKey, "primary key"),
    partitionBy: resolve(options.partitionBy, "partition"),
    clusterBy: resolve(options.clusterBy, "cluster"),
    ...(comment === undefined ? {} : { comment }),
    ...(checks.length === 0 ? {} : { checks }),
  };
}

/**
 * A table's columns must have a finite schema: no column may reach a record message that contains itself.
 * Well-known types (Struct is recursive) are leaves here: they map to scalar columns.
 */
function checkRecursion(
  table: DescMessage,
  columns: readonly ColumnModel[],
  report: (text: string, field?: string) => void,
): void {
  const acyclic = new Set<DescMessage>();
  const cycleFrom = (message: DescMessage, path: readonly DescMessage[]): DescMessage[] | undefined => {
    if (path.includes(message)) return [...path, message];
    if (acyclic.has(message)) return undefined;
    for (const field of message.fields) {
      const next = recordMessageOf(field);
      if (next === undefined) continue;
      const cycle = cycleFrom(next, [...path, message]);
      if (cycle !== undefined) return cycle;
    }
    acyclic.add(message);
    return undefined;
  };
  for (const column of columns) {
    const start = recordMessageOf(column.field);
    if (start === undefined) continue;
    const cycle = cycleFrom(start, [table]);
    if (cycle !== undefined) {
      const last = cycle[cycle.length - 1]!;
      const loop = cycle.slice(cycle.indexOf(last)).map((m) => m.typeName);
      report(
        `column "${column.column}" is recursive (${loop.join(" -> ")}); a table column needs a finite schema`,
        column.field.name,
      );
    }
  }
}

/** The record message of a message, list-of-message or map-of-message field; undefined for well-known types. */
function recordMessageOf(field: DescField): DescMessage | undefined {
  const message =
    field.fieldKind === "message" ||
    (field.fieldKind === "list" && field.listKind === "message") ||
    (field.fieldKind === "map" && field.mapKind === "message")
      ? field.message
      : undefined;
  if (
    message === undefined ||
    message.typeName.startsWith("google.protobuf.") ||
    message.typeName.startsWith("google.type.")
  ) {
    return undefined;
  }
  return message;
}

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * How the schema's Spark mapping (`sparkTypeOf`) reaches a nested record: its model. Its problems are reported
 * where the record itself is modelled; here only the shape counts.
 */
export const recordColumns: RecordResolver<ProtoRefs> = (message) => ({
  typeName: message.typeName,
  fields: buildRecord(message, []).columns,
});

/** Every message of a file, nested ones included, in declaration order (map entries are not messages here). */
export function messagesOf(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (message: DescMessage): void => {
    out.push(message);
    message.nestedMessages.forEach(visit);
  };
  file.messages.forEach(visit);
  return out;
}
