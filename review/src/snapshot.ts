/**
 * One contract version as review sees it: every table (a message with the `(lakehouse.v1.table)` option) with its
 * columns as the plugin's record model maps them and the schema package types them (names, Spark types,
 * nullability, keys, partitioning, clustering, comments, sensitivity, rules), and the registry itself for the
 * wire-level comparison.
 */
import type { DescFile, DescMessage, FileRegistry } from "@bufbuild/protobuf";
import {
  buildRecord,
  type ColumnModel,
  type ColumnType,
  fieldRuleEntries,
  formatProblem,
  isTableMessage,
  messagesOf,
  type Problem,
  type RuleEntries,
  recordColumns,
} from "@lakehouse-contracts/protoc-gen-lakehouse/model";
import {
  type ColumnDescriptor,
  type SparkType,
  sparkTypeOf,
  sqlString,
  type TableDescriptor,
  zeroEnumValue,
} from "@lakehouse-contracts/schema";
import { ReviewError } from "./errors.js";
import { defaultLiteral } from "./table-sql.js";

/** A column: the schema's column with its Spark type resolved, its proto field's name and its rules. */
export interface ColumnSnapshot extends Pick<ColumnDescriptor, "number" | "column" | "nullable" | "comment"> {
  readonly fieldName: string;
  readonly type: SparkType;
  readonly sensitive: boolean;
  readonly rules: RuleEntries;
}

/** A table: the schema's table descriptor, with its message, file, columns and what review needs besides. */
export interface TableSnapshot extends TableDescriptor {
  /** The message's full name: a table's identity across versions. */
  readonly typeName: string;
  readonly file: string;
  readonly columns: readonly ColumnSnapshot[];
  /**
   * The proto3 default, as a SQL literal, of every column and nested struct field the record always holds (a scalar
   * without presence, an enum, a list, a map), keyed by `pathKey` of its column path; fields of the records in a
   * list or a map sit below `element` or `value` (`lines.element.sku`, `stock.value.count`), as Delta names them.
   * Nested fields are nullable in the table (Delta allows no NOT NULL under a nullable struct), yet the record class
   * refuses to read a NULL there: rows written before such a field existed need this value.
   */
  readonly defaults: ReadonlyMap<string, string>;
  /**
   * The rules of the fields of the nested records (the struct types of `columns`, also inside lists and maps), keyed
   * by `structFieldKey` of the record's full name and the field's number; fields without rules are left out.
   */
  readonly nestedRules: ReadonlyMap<string, RuleEntries>;
}

export interface ContractSnapshot {
  /** Tables by message full name, in file and declaration order. */
  readonly tables: ReadonlyMap<string, TableSnapshot>;
  /** The contract files (dependencies such as google/protobuf, buf/validate and lakehouse/v1 left out). */
  readonly files: readonly DescFile[];
}

/** Dependencies every contract may import; they are the same on both sides and not part of the review. */
export function isDependencyFile(name: string): boolean {
  // DescFile.name has no `.proto` suffix; a FileDescriptorProto's name has one.
  const file = name.endsWith(".proto") ? name : `${name}.proto`;
  return file.startsWith("google/") || file.startsWith("buf/validate/") || file === "lakehouse/v1/options.proto";
}

/** Snapshots a registry; contract problems (those `buf generate` would fail on) throw an `invalid-contract` error. */
export function snapshotContracts(registry: FileRegistry, label: string): ContractSnapshot {
  const files = [...registry.files].filter((f) => !isDependencyFile(f.name));
  const problems: Problem[] = [];
  const tables = new Map<string, TableSnapshot>();
  for (const file of files) {
    for (const message of messagesOf(file)) {
      if (!isTableMessage(message)) continue;
      tables.set(message.typeName, snapshotTable(message, problems));
    }
  }
  if (problems.length > 0) {
    throw new ReviewError(
      "invalid-contract",
      `the ${label} contracts have problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
  }
  return { tables, files };
}

function snapshotTable(message: DescMessage, problems: Problem[]): TableSnapshot {
  const record = buildRecord(message, problems);
  const table = record.table;
  if (table === undefined) throw new Error(`${message.typeName} has no table option`);
  return {
    typeName: message.typeName,
    file: `${message.file.name}.proto`,
    ...table,
    columns: record.columns.map((c) => ({
      number: c.number,
      fieldName: c.field.name,
      column: c.column,
      type: sparkTypeOf(c.type, recordColumns, c.nullable),
      nullable: c.nullable,
      ...(c.comment === undefined ? {} : { comment: c.comment }),
      sensitive: c.sensitive,
      rules: fieldRuleEntries(c.field),
    })),
    defaults: recordDefaults(record.columns),
    nestedRules: nestedRules(record.columns),
  };
}

/** The key of a nested record's field in `TableSnapshot.nestedRules`. */
export function structFieldKey(typeName: string, number: number): string {
  return `${typeName}#${number}`;
}

/** `nestedRules` of a table: the fields of every record its columns reach, each record once. */
function nestedRules(columns: readonly ColumnModel[]): Map<string, RuleEntries> {
  const out = new Map<string, RuleEntries>();
  const seen = new Set<string>();
  const visit = (type: ColumnType): void => {
    if (type.kind === "list") visit(type.element);
    else if (type.kind === "map") visit(type.value);
    else if (type.kind === "message" && !seen.has(type.record.typeName)) {
      seen.add(type.record.typeName);
      for (const c of buildRecord(type.record, []).columns) {
        const rules = fieldRuleEntries(c.field);
        if (rules.size > 0) out.set(structFieldKey(type.record.typeName, c.number), rules);
        visit(c.type);
      }
    }
  };
  for (const c of columns) visit(c.type);
  return out;
}

/** The key of a column path in `TableSnapshot.defaults`. */
export function pathKey(path: readonly string[]): string {
  return path.join(".");
}

/** `defaults` of a table: its NOT NULL columns, then the fields of nested records that cannot be absent. */
function recordDefaults(
  columns: readonly ColumnModel[],
  parent: readonly string[] = [],
  out = new Map<string, string>(),
): Map<string, string> {
  for (const c of columns) {
    const path = [...parent, c.column];
    if (!c.nullable) out.set(pathKey(path), protoDefaultSql(c.type));
    nestedDefaults(c.type, path, out);
  }
  return out;
}

/** The defaults of the fields of a nested record, also of the records in a list (`element`) or a map (`value`). */
function nestedDefaults(type: ColumnType, path: readonly string[], out: Map<string, string>): void {
  if (type.kind === "message") recordDefaults(buildRecord(type.record, []).columns, path, out);
  else if (type.kind === "list") nestedDefaults(type.element, [...path, "element"], out);
  else if (type.kind === "map") nestedDefaults(type.value, [...path, "value"], out);
}

/** proto3's default of a field the record always holds, as a SQL literal (enums by their value numbered 0). */
function protoDefaultSql(type: ColumnType): string {
  return type.kind === "enum" && !type.asInt
    ? sqlString(zeroEnumValue(type.enum))
    : defaultLiteral(sparkTypeOf(type, recordColumns));
}
