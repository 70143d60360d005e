/**
 * `CREATE TABLE` for a record's Delta table, from `d.table` (name, catalog, schema, partitioning, clustering,
 * comment): the schema package's text (@lakehouse-contracts/schema, table-sql.ts), after the runtime's checks of the
 * descriptor, the table name and the layout. Creating the table with DDL first, rather than letting the first
 * DataFrame write create it, is what keeps NOT NULL and column comments: Delta makes every column of a table created
 * by a write nullable. The primary key is not emitted: open-source Delta has no PRIMARY KEY constraint.
 */
import {
  createTableStatement,
  descriptorRecords,
  qualifiedName,
  quoteIdentifier,
  structFields,
} from "@lakehouse-contracts/schema";
import type { RecordDescriptor } from "./descriptor.js";
import { checkDescriptor } from "./descriptor-check.js";
import { RecordSchemaError } from "./errors.js";
import { parseTableName } from "./sql-text.js";

export { qualifiedName } from "@lakehouse-contracts/schema";

export interface CreateTableOptions {
  /**
   * A path: the table is `` delta.`<location>` `` (a path-based table, no catalog entry); with `tableName`, an
   * external table at that location.
   */
  location?: string;
  /**
   * The table's name, `table`, `schema.table` or `catalog.schema.table` (parts backquoted where needed, e.g.
   * `` main.shop.`order lines` ``); checked and quoted, anything else is an `InvalidArgumentError`. Default:
   * `d.table`'s name.
   */
  tableName?: string;
  /** `CREATE TABLE IF NOT EXISTS`. */
  ifNotExists?: boolean;
  /**
   * Create the table with its Delta CHECK constraints (`d.table.checks`: the rules Spark SQL says exactly, so that
   * writers that bypass the record classes are refused too). Default true; the contract's
   * `check_constraints: false` already leaves them out of the descriptor.
   */
  checkConstraints?: boolean;
}

/**
 * @example
 * createTableSql(Order.descriptor, { ifNotExists: true })
 * // CREATE TABLE IF NOT EXISTS `shop`.`orders` (`id` BIGINT NOT NULL, …) USING delta PARTITIONED BY (`day`)
 */
export function createTableSql(d: RecordDescriptor, options: CreateTableOptions = {}): string {
  checkDescriptor(d);
  const table = d.table;
  const name = options.tableName === undefined ? undefined : parseTableName(options.tableName).sql;
  const path = options.location === undefined ? undefined : `delta.${quoteIdentifier(options.location)}`;
  const target = name ?? path ?? (table === undefined ? undefined : qualifiedName(table));
  if (target === undefined) {
    throw new RecordSchemaError(`${d.typeName} is not a table: give a tableName or a location`);
  }
  const partitionBy = (table?.partitionBy ?? []).map((c) => columnOf(d, c, "partition"));
  const clusterBy = (table?.clusterBy ?? []).map((c) => columnOf(d, c, "clustering"));
  if (partitionBy.length > 0 && clusterBy.length > 0) {
    throw new RecordSchemaError(`${d.typeName}: a Delta table is either partitioned or clustered, not both`);
  }
  const comment = table?.comment ?? d.comment;
  return createTableStatement({
    target,
    columns: structFields(d.fields, descriptorRecords),
    partitionBy,
    clusterBy,
    // A named table at a location is an external table; a path table is its location already.
    ...(name !== undefined && options.location !== undefined ? { location: options.location } : {}),
    ...(comment === undefined ? {} : { comment }),
    ...(options.ifNotExists === undefined ? {} : { ifNotExists: options.ifNotExists }),
    ...(table?.checks === undefined || options.checkConstraints === false ? {} : { checks: table.checks }),
  });
}

/** A partition or clustering column: its column name, or the property name of its field. */
function columnOf(d: RecordDescriptor, name: string, role: string): string {
  const field = d.fields.find((f) => f.column === name) ?? d.fields.find((f) => f.name === name);
  if (field === undefined) throw new RecordSchemaError(`${d.typeName}: ${role} column "${name}" is not a column`);
  return field.column;
}
