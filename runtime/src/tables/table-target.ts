/**
 * Where a record's table lives: a Delta path (`` delta.`/path` ``), a catalog name, or both (an external table).
 * Path tables survive a server restart even with Spark's default in-memory catalog.
 */
import { InvalidArgumentError } from "../errors.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import { quoteIdentifier } from "../records/sql-text.js";
import { qualifiedName } from "../records/table-sql.js";
import type { DataFrame } from "../spark/dataframe.js";
import type { SparkSession } from "../spark/session.js";

export interface TableLocation {
  /** A Delta table path the server can read and write. */
  location?: string | undefined;
  /** The table's SQL name, as written (e.g. `` main.shop.`orders` ``); default: the contract's table option. */
  tableName?: string | undefined;
}

export class TableTarget {
  readonly location: string | undefined;
  readonly tableName: string | undefined;

  constructor(d: RecordDescriptor, where: TableLocation) {
    this.location = where.location;
    this.tableName = where.tableName ?? (where.location === undefined ? contractName(d) : undefined);
    if (this.location === undefined && this.tableName === undefined) {
      throw new InvalidArgumentError(`${d.typeName} has no table option: give a location or a tableName`);
    }
  }

  /** The table in SQL: its name, else `` delta.`path` ``. */
  get sql(): string {
    return this.tableName ?? `delta.${quoteIdentifier(this.location as string)}`;
  }

  read(session: SparkSession): DataFrame {
    return this.tableName !== undefined
      ? session.table(this.tableName)
      : session.read("delta", [this.location as string]);
  }

  toString(): string {
    return this.sql;
  }
}

function contractName(d: RecordDescriptor): string | undefined {
  return d.table === undefined ? undefined : qualifiedName(d.table);
}
