/**
 * Where a record's table lives: a Delta path (`` delta.`/path` ``), a catalog name, or both (an external table).
 * Path tables survive a server restart even with Spark's default in-memory catalog.
 */
import { InvalidArgumentError } from "../errors.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import { parseTableName, quoteIdentifier } from "../records/sql-text.js";
import { qualifiedName } from "../records/table-sql.js";
import type { DataFrame } from "../spark/dataframe.js";
import type { SparkSession } from "../spark/session.js";

export interface TableLocation {
  /** A Delta table path the server can read and write. */
  location?: string | undefined;
  /**
   * The table's name: `table`, `schema.table` or `catalog.schema.table`, parts backquoted where they need it
   * (e.g. `` main.shop.`order lines` ``). Checked, never spliced into SQL as written: anything else is an
   * `InvalidArgumentError`. Default: the contract's table option.
   */
  tableName?: string | undefined;
}

export class TableTarget {
  readonly location: string | undefined;
  /** The table's name, each part backquoted (safe in SQL text), or undefined for a path table. */
  readonly tableName: string | undefined;

  constructor(d: RecordDescriptor, where: TableLocation) {
    this.location = where.location;
    if (where.location !== undefined && (typeof where.location !== "string" || where.location === "")) {
      throw new InvalidArgumentError(`${d.typeName}: the table location must be a non-empty path`);
    }
    const name = where.tableName ?? (where.location === undefined ? contractName(d) : undefined);
    this.tableName = name === undefined ? undefined : parseTableName(name).sql;
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
