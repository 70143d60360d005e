/** Errors of typed tables. */
import { LakehouseError } from "../errors.js";
import { formatIssue, type RecordIssue } from "../records/errors.js";

export interface RejectedRecord {
  /** Position of the record in the batch passed in. */
  readonly index: number;
  readonly issues: readonly RecordIssue[];
}

const LISTED = 5;

/** Some records of a batch are invalid; nothing of the batch was written. */
export class RecordsRejectedError extends LakehouseError {
  override name = "RecordsRejectedError";
  readonly rejects: readonly RejectedRecord[];

  constructor(typeName: string, total: number, rejects: readonly RejectedRecord[]) {
    const lines = rejects.slice(0, LISTED).map((r) => `  record #${r.index}: ${r.issues.map(formatIssue).join("; ")}`);
    if (rejects.length > LISTED) lines.push(`  … and ${rejects.length - LISTED} more records`);
    super(
      "validation",
      `${rejects.length} of ${total} ${typeName} records are invalid; nothing was written:\n${lines.join("\n")}`,
    );
    this.rejects = rejects;
  }
}

/** The table's schema differs from the contract's. */
export class TableSchemaMismatchError extends LakehouseError {
  override name = "TableSchemaMismatchError";
  readonly table: string;
  readonly differences: readonly string[];

  constructor(typeName: string, table: string, differences: readonly string[]) {
    super(
      "schema_mismatch",
      `table ${table} does not match the ${typeName} contract:\n${differences.map((d) => `  ${d}`).join("\n")}`,
    );
    this.table = table;
    this.differences = differences;
  }
}
