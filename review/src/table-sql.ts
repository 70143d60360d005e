/**
 * SQL text for a table snapshot: where the table is (`TableTarget`), and its CREATE TABLE, the schema package's text
 * that the runtime's `createTableSql` writes too, so a migrated table matches a new one.
 */
import {
  createTableStatement,
  qualifiedName,
  quoteIdentifier,
  type SparkType,
  sparkTypeSql,
} from "@lakehouse-contracts/schema";
import type { TableSnapshot } from "./snapshot.js";

/** How review addresses a table in SQL: by its contract name, or as a path-based Delta table under a prefix. */
export type TableTarget = (table: TableSnapshot) => string;

/** `` `catalog`.`schema`.`name` `` of the contract's table, leaving out the parts it does not set. */
export const byContractName: TableTarget = qualifiedName;

/** `` delta.`<prefix>/<name>` ``: what `RecordTable` with `location: <prefix>/<name>` reads and writes. */
export function underLocation(prefix: string): TableTarget {
  return (table) => `delta.${quoteIdentifier(`${prefix.replace(/\/+$/, "")}/${table.name}`)}`;
}

/** A dotted column path, each part quoted: `` `address`.`zip` ``. */
export function columnPath(path: readonly string[]): string {
  return path.map(quoteIdentifier).join(".");
}

/** `CREATE TABLE [IF NOT EXISTS] <target> (…) USING delta [PARTITIONED BY | CLUSTER BY] [COMMENT]`. */
export function createTableSql(
  table: TableSnapshot,
  target: string,
  options: { ifNotExists?: boolean; orReplace?: boolean } = {},
): string {
  return createTableStatement({
    target,
    columns: table.columns.map((c) => ({ ...c, name: c.column })),
    partitionBy: table.partitionBy,
    clusterBy: table.clusterBy,
    ...(table.comment === undefined ? {} : { comment: table.comment }),
    ...(table.checks === undefined ? {} : { checks: table.checks }),
    ...options,
  });
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
