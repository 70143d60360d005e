/** Errors of typed tables. */
import { CancelledError, LakehouseError } from "../errors.js";
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

/** An idempotent write's key: the writer (`txnAppId`) and its batch number (`txnVersion`). */
export interface IdempotencyKey {
  /** Delta's `txnAppId`: one writer (a process, a pipeline, a file being ingested). */
  appId: string;
  /** Delta's `txnVersion`: increases with every batch of that writer. */
  version: bigint | number;
}

/**
 * Delta skipped an idempotent append (its app id already has this version or a later one), and the commit recorded
 * under that key is not this batch — or cannot be found any more. Nothing of this batch was written. Usually two
 * writers share one app id, or a key was reused for different records.
 */
export class IdempotencyConflictError extends LakehouseError {
  override name = "IdempotencyConflictError";
  readonly idempotencyKey: { appId: string; version: bigint };
  /** The Delta version of the commit recorded under this key, when it was found. */
  readonly committedVersion: bigint | undefined;

  constructor(table: string, key: { appId: string; version: bigint }, why: string, committedVersion?: bigint) {
    super(
      "idempotency_conflict",
      `nothing was written to ${table}: Delta skipped the append of app id ${JSON.stringify(key.appId)} version ` +
        `${key.version} because that app id already has this version or a later one, and ${why}`,
    );
    this.idempotencyKey = key;
    this.committedVersion = committedVersion;
  }
}

/**
 * A write was aborted (its signal fired). `committed` says whether its batch is in the table: `true` (then
 * `version` is its commit), `false` (it is not, and will not be), or `undefined` when the server could not be asked
 * — then the same `idempotencyKey` writes it exactly once when the write is tried again.
 */
export class WriteCancelledError extends CancelledError {
  override name = "WriteCancelledError";
  readonly committed: boolean | undefined;
  readonly version: bigint | undefined;
  readonly idempotencyKey: { appId: string; version: bigint } | undefined;

  constructor(
    cause: CancelledError,
    outcome: {
      committed: boolean | undefined;
      version?: bigint | undefined;
      idempotencyKey?: { appId: string; version: bigint } | undefined;
    },
  ) {
    const what =
      outcome.committed === true
        ? `the batch had already been committed (Delta version ${outcome.version})`
        : outcome.committed === false
          ? "nothing was committed"
          : "whether the batch was committed is unknown: write it again with the same idempotency key";
    super(`${cause.message}; ${what}`, {
      cause,
      code: cause.code === "timeout" ? "timeout" : "cancelled",
      settled: true,
    });
    this.committed = outcome.committed;
    this.version = outcome.version;
    this.idempotencyKey = outcome.idempotencyKey;
  }
}
