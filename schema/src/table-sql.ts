/**
 * `CREATE TABLE` for a record's Delta table, the one text the runtime (`createTableSql`) and contract review (a new
 * table, a rewrite) write, so a migrated table matches a new one. Creating the table with DDL first, rather than
 * letting the first DataFrame write create it, is what keeps NOT NULL and column comments: Delta makes every column
 * of a table created by a write nullable. No primary key: open-source Delta has no PRIMARY KEY constraint.
 */

import type { CheckConstraint } from "./check-constraints.js";
import { columnListSql } from "./spark-schema.js";
import type { SparkColumn } from "./spark-type.js";
import { quoteIdentifier, sqlString } from "./sql-text.js";

export interface CreateTableStatement {
  /** Where the table is, as SQL: a quoted name (`qualifiedName`) or a path table (`` delta.`/lake/t` ``). */
  readonly target: string;
  readonly columns: readonly SparkColumn[];
  /** Column names. A Delta table is either partitioned or clustered: the caller checks that. */
  readonly partitionBy?: readonly string[];
  readonly clusterBy?: readonly string[];
  /** `LOCATION '…'`: an external table at a path (with a named `target`). */
  readonly location?: string;
  readonly comment?: string;
  /** `CREATE TABLE IF NOT EXISTS`. */
  readonly ifNotExists?: boolean;
  /** `CREATE OR REPLACE TABLE` (before `ifNotExists`). */
  readonly orReplace?: boolean;
  /** Delta CHECK constraints, created with the table (`checkConstraintProperties`). */
  readonly checks?: readonly CheckConstraint[];
}

/**
 * @example
 * createTableStatement({ target: "`shop`.`orders`", columns, partitionBy: ["day"], ifNotExists: true })
 * // CREATE TABLE IF NOT EXISTS `shop`.`orders` (`id` BIGINT NOT NULL, …) USING delta PARTITIONED BY (`day`)
 */
export function createTableStatement(table: CreateTableStatement): string {
  const verb = table.orReplace ? "CREATE OR REPLACE TABLE" : `CREATE TABLE${table.ifNotExists ? " IF NOT EXISTS" : ""}`;
  const parts = [`${verb} ${table.target} (${columnListSql(table.columns)}) USING delta`];
  const partitionBy = table.partitionBy ?? [];
  const clusterBy = table.clusterBy ?? [];
  if (partitionBy.length > 0) parts.push(`PARTITIONED BY (${partitionBy.map(quoteIdentifier).join(", ")})`);
  if (clusterBy.length > 0) parts.push(`CLUSTER BY (${clusterBy.map(quoteIdentifier).join(", ")})`);
  if (table.location !== undefined) parts.push(`LOCATION ${sqlString(table.location)}`);
  if (table.comment !== undefined) parts.push(`COMMENT ${sqlString(table.comment)}`);
  const checks = table.checks ?? [];
  if (checks.length > 0) parts.push(`TBLPROPERTIES (${checkConstraintProperties(checks)})`);
  return parts.join(" ");
}

/**
 * A table's CHECK constraints as the table properties Delta keeps them in (`'delta.constraints.<name>' = '<expr>'`).
 * Written into CREATE TABLE rather than added by `ALTER TABLE … ADD CONSTRAINT`: Delta's parser of that statement
 * re-tokenizes the expression and splits a lambda's `->` into `- >` (PARSE_SYNTAX_ERROR for every `forall`; Delta
 * 4.4), while a property at creation keeps the text as written. Delta refuses the same properties in
 * `ALTER TABLE … SET TBLPROPERTIES` (DELTA_ADD_CONSTRAINTS), so a constraint with a lambda can be created with its
 * table only.
 */
export function checkConstraintProperties(checks: readonly CheckConstraint[]): string {
  return checks.map((c) => `${sqlString(`delta.constraints.${c.name}`)} = ${sqlString(c.expression)}`).join(", ");
}
