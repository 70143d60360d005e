/** Errors of typed tables. */
import { CancelledError, errorGuard, isCancelledError, isTimeoutError, LakehouseError } from "../errors.js";
import {
  batchPath,
  formatIssue,
  IssuesError,
  listProblems,
  type RecordIssue,
  type RejectedRecord,
} from "../records/errors.js";

export type { RejectedRecord } from "../records/errors.js";

const LISTED = 5;

/**
 * Some records of a batch are invalid; nothing of the batch was written. `rejects` lists them by index, with paths
 * within each record; `issues` has every issue of the batch, paths prefixed with the record's index
 * (`[3].items[2].sku`). A violation keeps its rule id in the message (`sku: must be at least 3 characters
 * [string.min_len] (value: "ab")`).
 */
export class RecordsRejectedError extends IssuesError {
  override name = "RecordsRejectedError";
  readonly typeName: string;
  readonly rejects: readonly RejectedRecord[];

  constructor(typeName: string, total: number, rejects: readonly RejectedRecord[]) {
    super(
      "records_rejected",
      `${rejects.length} of ${total} ${typeName} records are invalid; nothing was written`,
      rejects.flatMap((r) =>
        r.issues.map((issue): RecordIssue => ({ ...issue, path: batchPath(r.index, issue.path) })),
      ),
      {
        lines: true,
        max: LISTED,
        noun: "records",
        items: rejects.map((r) => listProblems(`record #${r.index}`, r.issues.map(formatIssue))),
      },
    );
    this.typeName = typeName;
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
      "table_schema_mismatch",
      listProblems(`table ${table} does not match the ${typeName} contract`, differences, { lines: true }),
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
      code: isTimeoutError(cause) ? "timeout" : "cancelled",
      settled: true,
    });
    this.committed = outcome.committed;
    this.version = outcome.version;
    this.idempotencyKey = outcome.idempotencyKey;
  }
}

/** Some records of a batch are invalid; nothing was written (code "records_rejected"). */
export const isRecordsRejectedError = errorGuard<RecordsRejectedError>("records_rejected");

/** The table's schema differs from the contract's (code "table_schema_mismatch"). */
export const isTableSchemaMismatchError = errorGuard<TableSchemaMismatchError>("table_schema_mismatch");

/** Delta skipped an idempotent append whose key holds another batch (code "idempotency_conflict"). */
export const isIdempotencyConflictError = errorGuard<IdempotencyConflictError>("idempotency_conflict");

/**
 * An aborted write, with what is known of its batch. Its code is its cause's ("cancelled" or "timeout"), so that
 * `isCancelledError` and `isTimeoutError` hold for it as for any cancellation; the guard also reads the name.
 */
export function isWriteCancelledError(value: unknown): value is WriteCancelledError {
  return isCancelledError(value) && value.name === "WriteCancelledError";
}
