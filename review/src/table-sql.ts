/**
 * SQL text for a table snapshot: where the table is (`TableTarget`), its column list and its CREATE TABLE, written
 * like the runtime's `createTableSql` (runtime/src/records/table-sql.ts) so a migrated table matches a new one.
 */
import {
  quoteIdentifier,
  type SparkType,
  sparkTypeSql,
  sqlString,
} from "@lakehouse-contracts/protoc-gen-lakehouse/model";
import type { ColumnSnapshot, TableSnapshot } from "./snapshot.js";

/** How review addresses a table in SQL: by its contract name, or as a path-based Delta table under a prefix. */
export type TableTarget = (table: TableSnapshot) => string;

/** `` `catalog`.`schema`.`name` `` of the contract's table, leaving out the parts it does not set. */
export const byContractName: TableTarget = (table) =>
  [table.catalog, table.schema, table.name]
    .filter((p): p is string => p !== undefined && p !== "")
    .map(quoteIdentifier)
    .join(".");

/** `` delta.`<prefix>/<name>` ``: what `RecordTable` with `location: <prefix>/<name>` reads and writes. */
export function underLocation(prefix: string): TableTarget {
  return (table) => `delta.${quoteIdentifier(`${prefix.replace(/\/+$/, "")}/${table.name}`)}`;
}

/** A dotted column path, each part quoted: `` `address`.`zip` ``. */
export function columnPath(path: readonly string[]): string {
  return path.map(quoteIdentifier).join(".");
}

export function columnDdl(column: Pick<ColumnSnapshot, "column" | "type" | "nullable" | "comment">): string {
  const comment = column.comment === undefined ? "" : ` COMMENT ${sqlString(column.comment)}`;
  return `${quoteIdentifier(column.column)} ${sparkTypeSql(column.type)}${column.nullable ? "" : " NOT NULL"}${comment}`;
}

/** `CREATE TABLE [IF NOT EXISTS] <target> (…) USING delta [PARTITIONED BY | CLUSTER BY] [COMMENT]`. */
export function createTableSql(
  table: TableSnapshot,
  target: string,
  options: { ifNotExists?: boolean; orReplace?: boolean } = {},
): string {
  const verb = options.orReplace
    ? "CREATE OR REPLACE TABLE"
    : `CREATE TABLE${options.ifNotExists ? " IF NOT EXISTS" : ""}`;
  const parts = [`${verb} ${target} (${table.columns.map(columnDdl).join(", ")}) USING delta`];
  if (table.partitionBy.length > 0) parts.push(`PARTITIONED BY (${table.partitionBy.map(quoteIdentifier).join(", ")})`);
  if (table.clusterBy.length > 0) parts.push(`CLUSTER BY (${table.clusterBy.map(quoteIdentifier).join(", ")})`);
  if (table.comment !== undefined) parts.push(`COMMENT ${sqlString(table.comment)}`);
  return parts.join(" ");
}

/** The proto3 default of a type as a SQL literal: what a new NOT NULL column holds in rows written before it. */
export function defaultLiteral(type: SparkType): string {
  switch (type.kind) {
    case "atomic":
      switch (type.name) {
        case "STRING":
          return "''";
        case "BINARY":
          return "X''";
        case "BOOLEAN":
          return "false";
        case "DATE":
          return "DATE'1970-01-01'";
        case "TIMESTAMP":
          return "TIMESTAMP'1970-01-01 00:00:00Z'";
        default:
          return `CAST(0 AS ${type.name})`;
      }
    case "decimal":
      return `CAST(0 AS ${sparkTypeSql(type)})`;
    case "array":
      return `CAST(array() AS ${sparkTypeSql(type)})`;
    case "map":
      return `CAST(map() AS ${sparkTypeSql(type)})`;
    case "struct":
      return `CAST(NULL AS ${sparkTypeSql(type)})`;
  }
}
