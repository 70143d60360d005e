/**
 * A record contract's Delta table: create or check it, insert validated records atomically and idempotently,
 * upsert and delete by primary key, and read typed records back (buffered or streamed).
 *
 * Atomicity: a batch is validated whole before anything is sent; it becomes one Arrow relation and one Delta
 * append (one commit). Idempotency: every append carries Delta's `txnAppId`/`txnVersion` and a fingerprint of the
 * batch in the commit's `userMetadata` (see idempotency.ts): a retried append never writes twice, and an append
 * Delta skipped counts as written only when the commit under its key holds this very batch.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { referencedRecord } from "@lakehouse-contracts/schema";
import { Table } from "apache-arrow";
import {
  type CancelledError,
  ConstraintViolationError,
  InvalidArgumentError,
  isCancelledError,
  isConstraintViolationError,
  isDeltaConflictError,
  isSparkError,
} from "../errors.js";
import { type FieldKey, pickShape, type RecordShape } from "../reads/shape.js";
import { toArrow } from "../records/arrow-encode.js";
import { arrowSchema } from "../records/arrow-schema.js";
import type { FieldDescriptor, RecordDescriptor } from "../records/descriptor.js";
import { isRecordEncodeError, type RecordIssue } from "../records/errors.js";
import { newIngestId } from "../records/ingest-id.js";
import { toParquet } from "../records/parquet-write.js";
import { quoteIdentifier } from "../records/sql-text.js";
import { createTableSql } from "../records/table-sql.js";
import type { DataFrame, QueryOptions } from "../spark/dataframe.js";
import type { SqlValue } from "../spark/literals.js";
import type { RetryBudget } from "../spark/retry.js";
import type { SparkSession } from "../spark/session.js";
import { escapeGlob, findCommit, recordedTxnVersion } from "./delta-log.js";
import {
  IdempotencyConflictError,
  type IdempotencyKey,
  isWriteCancelledError,
  RecordsRejectedError,
  type RejectedRecord,
  TableSchemaMismatchError,
  WriteCancelledError,
} from "./errors.js";
import { type Filter, filterExpression, notScalar, toSparkValue } from "./filter.js";
import { batchFingerprint, encodeMarker, queued, type WriterState, writerState } from "./idempotency.js";
import type { RecordClass } from "./record-class.js";
import { RecordWriter, type RecordWriterOptions } from "./record-writer.js";
import { columnsOf, diffColumns, diffConstraints } from "./schema-diff.js";
import { type StagedFile, Stager, type StagingOptions } from "./stager.js";
import { type TableLocation, TableTarget } from "./table-target.js";

export type { IdempotencyKey } from "./errors.js";

/**
 * The app id of the table handles of this process that are given none: fresh (random) per process and table name,
 * so it has no versions to recover, and shared by the process's handles of that name, which take turns and number
 * their batches from one counter. (Delta keeps each app id's last version for ever: one id per process and table,
 * not per handle. Per table *name*, because one table can have two — a path and a name, or a name before and after
 * a rename — and two handles must never number batches of one app id on one table from two counters.)
 */
const PROCESS_ID = randomUUID();

function processAppId(endpoint: string, table: string): string {
  return `lakehouse-${PROCESS_ID}-${createHash("sha256").update(`${endpoint} ${table}`).digest("hex").slice(0, 12)}`;
}

export interface InsertOptions extends QueryOptions {
  /** "reject" (default): any invalid record fails the whole call and nothing is written. "skip": write the valid ones. */
  onInvalid?: "reject" | "skip";
  /**
   * A key of the caller's (e.g. derived from a source offset), instead of this handle's app id and its next
   * version: writing the same batch under the same key again writes nothing twice; another batch under a key
   * already used is an `IdempotencyConflictError`.
   */
  idempotencyKey?: IdempotencyKey;
  /**
   * How the batch reaches the table. "direct": through the session (the data travels in the plan or as
   * artifacts). "bulk": staged as Parquet in the table handle's object storage and read by the executors (needs
   * `staging`). "auto" (default): bulk from `staging.minBytes` of Arrow data up, when staging is configured.
   */
  path?: "auto" | "direct" | "bulk";
}

export interface InsertResult {
  /** Records of the batch now in the table (written by this call, or by an earlier try with the same key). */
  inserted: number;
  rejected: readonly RejectedRecord[];
  /** The Delta table version of the commit that holds the batch (undefined when no record was valid). */
  version: bigint | undefined;
  /** The key the batch was written under (undefined when no record was valid, so nothing was written). */
  idempotencyKey: { appId: string; version: bigint } | undefined;
  /** True when an earlier call had committed this batch under this key, so nothing was sent again. */
  alreadyCommitted: boolean;
  /** How the batch went: through the session, or staged in object storage (see `InsertOptions.path`). */
  path: "direct" | "bulk";
}

export interface InsertStreamOptions<T = unknown> extends Omit<InsertOptions, "idempotencyKey"> {
  /** Records per batch (and per Delta commit). Default 10,000. */
  batchSize?: number;
  /**
   * The writer's id for idempotency (default: the handle's). With `firstVersion`, batch k of the stream is version
   * `firstVersion + k`: run the same stream again (same records, same batch size) and the batches an earlier run
   * committed are recognised and skipped, the rest written — a resumable, exactly-once load.
   */
  appId?: string;
  firstVersion?: bigint | number;
  /**
   * Stop taking records when this signal aborts: the batch being written finishes (it is not interrupted), the one
   * being collected is dropped, and the call returns with `stopped: true`. (`signal` interrupts the write instead.)
   */
  stop?: AbortSignal;
  onProgress?: (progress: InsertStreamResult) => void;
  /** With `onInvalid: "skip"`: called with each batch's rejected records and their issues. */
  onRejected?: (rejected: readonly { record: T; issues: readonly RecordIssue[] }[]) => void;
}

/** A validated batch: the Arrow table of its valid records (none when every record was rejected). */
export interface PreparedBatch {
  inserted: number;
  rejected: readonly RejectedRecord[];
  data: Table | undefined;
}

export interface StageResult {
  /** The Parquet file the batch was staged in (a local path, or the staging store's URI, removed once loaded). */
  file: string;
  staged: number;
  inserted: bigint;
  updated: bigint;
}

export interface InsertStreamResult {
  /** Batches committed by this call. */
  batches: number;
  /** Records written by this call. */
  inserted: number;
  rejected: number;
  /** Records of batches an earlier run had committed (found under their keys, not written again), and their batches. */
  resumed: number;
  resumedBatches: number;
  /** The Delta version of the last commit holding a batch of this stream. */
  lastVersion: bigint | undefined;
  /** The last txnVersion used (the stream's next batch would be this plus one). */
  lastTxnVersion: bigint | undefined;
  /** The `stop` signal ended the stream before its source did. */
  stopped: boolean;
}

export interface UpsertResult {
  inserted: bigint;
  updated: bigint;
}

export interface ReadOptions extends QueryOptions {
  limit?: number;
  /** Sort by these fields (property names), ascending unless `descending`. */
  orderBy?: readonly { field: string; descending?: boolean }[];
}

/** A read of some properties of the records: `{ select: ["orderId", "total"] }` reads only their columns. */
export interface ProjectionOptions<T, K extends FieldKey<T>> extends ReadOptions {
  /** The properties to read (fields, or oneofs with all their members); rows are `Pick<T, K>`s of them. */
  select: readonly K[];
  /** One row for each distinct selected value (Spark's `Deduplicate`); `orderBy` may then name selected fields only. */
  distinct?: boolean;
}

export interface RecordTableOptions extends TableLocation {
  /**
   * This writer's identity for exactly-once appends (Delta's `txnAppId`), kept across restarts: its next version
   * is recovered from the table's log the first time it writes. One app id is one writer at a time: the handles of
   * one process take turns, but two processes must not share one. Default: an id of this process's own.
   */
  appId?: string;
  /**
   * Object storage for the bulk path: large batches are staged there as Parquet and committed by Spark's executors,
   * which read them in parallel, instead of travelling through the driver (see stager.ts).
   */
  staging?: StagingOptions | undefined;
  /**
   * false: the table is made without the contract's CHECK constraints (as `createTableSql({ checkConstraints:
   * false })` makes it), and their absence is not drift. Default true (unless the contract opts out).
   */
  checkConstraints?: boolean | undefined;
}

export class RecordTable<T extends object> {
  readonly target: TableTarget;
  readonly #session: SparkSession;
  readonly #class: RecordClass<T>;
  readonly #appId: string;
  /** The app id is this process's own (no versions to recover). */
  #fresh: boolean;
  /** Shared with this handle's copies on other sessions (`onSession`, `writer`): one Parquet worker pool per handle. */
  #stager: Stager | undefined;
  readonly #checkConstraints: boolean;

  constructor(session: SparkSession, recordClass: RecordClass<T>, where: RecordTableOptions = {}) {
    this.#session = session;
    this.#class = recordClass;
    this.target = new TableTarget(recordClass.descriptor, where);
    if (where.appId !== undefined) checkAppId(where.appId);
    this.#stager = where.staging === undefined ? undefined : new Stager(where.staging);
    this.#checkConstraints = where.checkConstraints !== false;
    this.#fresh = where.appId === undefined;
    this.#appId = where.appId ?? processAppId(session.endpoint, this.target.sql);
  }

  /** The app id this handle appends under. */
  get appId(): string {
    return this.#appId;
  }

  get descriptor(): RecordDescriptor {
    return this.#class.descriptor;
  }

  /** Create the table from the contract if it is missing; if it exists, check that its schema matches. */
  async ensureTable(options: QueryOptions = {}): Promise<"created" | "exists"> {
    if (!(await this.exists(options))) {
      await this.#session.sql(
        createTableSql(this.descriptor, {
          ...(this.target.location === undefined ? {} : { location: this.target.location }),
          ...(this.target.tableName === undefined ? {} : { tableName: this.target.tableName }),
          ifNotExists: true,
          checkConstraints: this.#checkConstraints,
        }),
        undefined,
        options,
      );
      return "created";
    }
    await this.checkSchema(options);
    return "exists";
  }

  async exists(options: QueryOptions = {}): Promise<boolean> {
    try {
      await this.target.read(this.#session).schema(options);
      return true;
    } catch (error) {
      if (
        isSparkError(error) &&
        /NOT_FOUND|DOES_NOT_EXIST|not a Delta table|PATH_NOT_FOUND/i.test(`${error.errorClass} ${error.message}`)
      ) {
        return false;
      }
      throw error;
    }
  }

  /** Throws `TableSchemaMismatchError` listing every difference between the table and the contract. */
  async checkSchema(options: QueryOptions = {}): Promise<void> {
    const actual = columnsOf(await this.target.read(this.#session).schema(options));
    const empty = await this.#session.createDataFrame(new Table(arrowSchema(this.descriptor)), options);
    const expected = columnsOf(await empty.schema(options));
    const checks = this.#checkConstraints ? this.descriptor.table?.checks : undefined;
    const differences = [
      ...diffColumns(actual, expected),
      ...(checks === undefined ? [] : diffConstraints(await this.constraints(options), checks)),
    ];
    if (differences.length > 0) {
      throw new TableSchemaMismatchError(this.descriptor.typeName, this.target.sql, differences);
    }
  }

  /** The table's Delta CHECK constraints, expression by name (Delta keeps them as `delta.constraints.<name>`). */
  async constraints(options: QueryOptions = {}): Promise<Record<string, string>> {
    const rows = await (await this.#session.sql(`SHOW TBLPROPERTIES ${this.target.sql}`, undefined, options)).collect(
      options,
    );
    const out: Record<string, string> = {};
    for (const row of rows as { key?: unknown; value?: unknown }[]) {
      if (typeof row.key === "string" && row.key.startsWith("delta.constraints.")) {
        out[row.key.slice("delta.constraints.".length)] = String(row.value);
      }
    }
    return out;
  }

  /**
   * Validate every record, then append the valid ones in one Delta commit.
   * @example const { inserted, version } = await orders.insertRecords([new Order({ id: 1n, … })]);
   */
  async insertRecords(records: readonly T[], options: InsertOptions = {}): Promise<InsertResult> {
    const budget = options.budget ?? this.#session.retryBudget(options.signal);
    const key = options.idempotencyKey;
    if (key !== undefined) checkAppId(key.appId);
    const explicit = key === undefined ? undefined : { appId: key.appId, version: toVersion(key.version) };
    return this.#append(this.#prepare(records, options), { ...options, budget }, explicit);
  }

  /**
   * Validate and insert an (async) iterable of records in bounded batches: one idempotent Delta commit per batch,
   * in order. Each batch is atomic; a rejected batch stops the stream (with `onInvalid: "skip"`, its invalid records
   * are skipped and counted instead) — earlier batches stay committed. The next batch is collected, validated and
   * encoded while the previous one is being written, so client memory holds at most two batches.
   */
  async insertStream(
    source: AsyncIterable<T> | Iterable<T>,
    options: InsertStreamOptions<T> = {},
  ): Promise<InsertStreamResult> {
    const batchSize = options.batchSize ?? 10_000;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError(`insertStream: batchSize must be a positive integer, not ${batchSize}`);
    }
    const appId = options.appId ?? this.#appId;
    checkAppId(appId);
    let version = options.firstVersion === undefined ? undefined : toVersion(options.firstVersion);
    if (version !== undefined) await this.#recovered(this.#writer(appId), appId, options);
    const progress: InsertStreamResult = {
      batches: 0,
      inserted: 0,
      rejected: 0,
      resumed: 0,
      resumedBatches: 0,
      lastVersion: undefined,
      lastTxnVersion: undefined,
      stopped: false,
    };
    let batch: T[] = [];
    // The append in flight (at most one); its failure is seen by the next flush or at the end.
    let writing: Promise<void> = Promise.resolve();
    const append = async (
      records: readonly T[],
      prepared: PreparedBatch,
      txnVersion: bigint | undefined,
      ahead: Promise<StagedFile> | undefined,
    ) => {
      // Each batch is a call of its own: its own retry budget.
      const budget = this.#session.retryBudget(options.signal);
      const result = await this.#append(prepared, { ...options, budget }, { appId, version: txnVersion }, ahead);
      if (result.alreadyCommitted) {
        progress.resumedBatches++;
        progress.resumed += result.inserted;
      } else if (result.version !== undefined) {
        progress.batches++;
        progress.inserted += result.inserted;
      }
      progress.rejected += result.rejected.length;
      progress.lastVersion = result.version ?? progress.lastVersion;
      progress.lastTxnVersion = result.idempotencyKey?.version ?? progress.lastTxnVersion;
      if (result.rejected.length > 0) {
        options.onRejected?.(result.rejected.map((r) => ({ record: records[r.index] as T, issues: r.issues })));
      }
      options.onProgress?.({ ...progress });
    };
    const stopped = () => options.stop?.aborted === true;
    const flush = async () => {
      if (batch.length === 0) return;
      const records = batch;
      batch = [];
      const txnVersion = version;
      if (version !== undefined) version++;
      let prepared: PreparedBatch;
      // On the bulk path this batch is encoded and uploaded while the one before it commits.
      let ahead: Promise<StagedFile> | undefined;
      try {
        prepared = this.#prepare(records, options);
        ahead = this.#stageAhead(prepared, appId, options);
      } finally {
        // Batches commit in order: the earlier one first, even when this one is rejected.
        await writing.catch((error: unknown) => {
          this.#discard(ahead);
          throw error;
        });
      }
      if (stopped()) {
        this.#discard(ahead);
        return; // stopping: the batch in flight has finished; this one is not started
      }
      writing = append(records, prepared, txnVersion, ahead);
      writing.catch(() => {}); // awaited by the next flush or at the end; not an unhandled rejection meanwhile
    };
    try {
      for await (const record of source) {
        if (stopped()) break;
        batch.push(record);
        if (batch.length >= batchSize) await flush();
      }
      if (stopped()) progress.stopped = true;
      else await flush();
    } finally {
      await writing;
    }
    if (stopped()) progress.stopped = true;
    return progress;
  }

  /**
   * The parameterized `INSERT INTO … VALUES` path for small writes of flat records: values are bound parameters.
   * Scalar columns only (a list, map, message or JSON column has no literal to bind): use `insertRecords` for others.
   */
  async insertRecordsSql(records: readonly T[], options: QueryOptions = {}): Promise<number> {
    // The contract decides whether this can ever work: said before any record is looked at.
    const unbound = this.descriptor.fields.flatMap((f) => {
      const what = notScalar(f.type);
      return what === undefined ? [] : [`${f.name} is ${what}`];
    });
    if (unbound.length > 0) {
      throw new InvalidArgumentError(
        `insertRecordsSql binds scalar columns only: ${unbound.join(", ")}; use insertRecords`,
      );
    }
    const { valid, rejected } = this.#validate(records);
    if (rejected.length > 0) throw new RecordsRejectedError(this.descriptor.typeName, records.length, rejected);
    if (valid.length === 0) return 0;
    const fields = this.descriptor.fields;
    // Named parameters (`:p0`, `:p1`, …): bound as typed literals, and immune to any reordering.
    const params: Record<string, SqlValue> = {};
    const rows = valid.map((record, r) => {
      const names = fields.map((field, f) => {
        const name = `p${r * fields.length + f}`;
        params[name] = toSparkValue(field, (record as Record<string, unknown>)[field.name]);
        return `:${name}`;
      });
      return `(${names.join(", ")})`;
    });
    const columns = fields.map((f) => quoteIdentifier(f.column)).join(", ");
    await this.#session.sql(`INSERT INTO ${this.target.sql} (${columns}) VALUES ${rows.join(", ")}`, params, options);
    return valid.length;
  }

  /**
   * Insert or update by the contract's primary key, in one `MERGE INTO` from the uploaded batch. On update the
   * row's `created_at` (the CREATED_AT role) is kept; every other column, `updated_at` included, takes the new value.
   */
  async upsertRecords(records: readonly T[], options: QueryOptions = {}): Promise<UpsertResult> {
    const keys = this.#primaryKey();
    const { valid, rejected, encoded } = this.#validate(records);
    const duplicates = this.#duplicateKeys(valid.length === records.length ? records : valid, keys);
    if (rejected.length > 0 || duplicates.length > 0) {
      throw new RecordsRejectedError(this.descriptor.typeName, records.length, [...rejected, ...duplicates]);
    }
    if (valid.length === 0) return { inserted: 0n, updated: 0n };
    const data = encoded ?? toArrow(this.descriptor, valid);
    // MERGE by key is idempotent: running it again after a lost session or a Delta conflict gives the same table.
    return this.#repeatable("MERGE", options, async (budget) => {
      const view = `lakehouse_upsert_${randomUUID().replaceAll("-", "")}`;
      const df = await this.#session.createDataFrame(data, { ...options, budget });
      await df.createOrReplaceTempView(view, { ...options, budget });
      try {
        const sql = this.#mergeSql(quoteIdentifier(view), keys);
        const [metrics] = await (await this.#session.sql(sql, undefined, { ...options, budget })).collect({
          ...options,
          budget,
        });
        return {
          inserted: BigInt((metrics?.num_inserted_rows as bigint | undefined) ?? 0n),
          updated: BigInt((metrics?.num_updated_rows as bigint | undefined) ?? 0n),
        };
      } finally {
        await this.#session.sql(`DROP VIEW IF EXISTS ${quoteIdentifier(view)}`).catch(() => undefined);
      }
    });
  }

  /**
   * The staged path, for teams that keep a landing table: the validated batch is written as a Parquet file under
   * `stagingDir` (a path the server can read: local disk for a local server, shared storage for a cluster), loaded
   * into the landing Delta table (`INSERT INTO … BY NAME SELECT * FROM parquet.\`file\``), then merged into this
   * table by primary key, reading from the landing table only the rows of this batch (its ingest ids, bound as a
   * parameter). `COPY INTO` is Databricks-only, so the portable INSERT … SELECT is used.
   */
  async stageRecords(
    records: readonly T[],
    options: QueryOptions & { stagingDir?: string; landing: TableLocation },
  ): Promise<StageResult> {
    const keys = this.#primaryKey();
    const ingestField = this.descriptor.fields.find((f) => f.role === "ingest_id");
    if (!ingestField) throw new InvalidArgumentError(`${this.descriptor.typeName} has no ingest id field to stage by`);
    const { valid, rejected } = this.#validate(records);
    const duplicates = this.#duplicateKeys(records, keys);
    if (rejected.length > 0 || duplicates.length > 0) {
      throw new RecordsRejectedError(this.descriptor.typeName, records.length, [...rejected, ...duplicates]);
    }
    const landing = new RecordTable(this.#session, this.#class, options.landing);
    await landing.ensureTable(options);
    // The file goes where the server can read it: a folder it shares with this client, or the staging store.
    let file: string;
    let staged: StagedFile | undefined;
    if (options.stagingDir !== undefined) {
      file = join(options.stagingDir, `${newIngestId()}.parquet`);
      await mkdir(options.stagingDir, { recursive: true });
      await writeFile(file, await toParquet(this.descriptor, valid));
    } else if (this.#stager !== undefined) {
      staged = await this.#stager.stage(toArrow(this.descriptor, valid), `${this.#appId}-landing`, options.signal);
      file = staged.uri;
    } else {
      throw new InvalidArgumentError("stageRecords needs a stagingDir, or a staging store on the table handle");
    }
    const ids = valid.map((r) => String((r as Record<string, unknown>)[ingestField.name]));
    try {
      await this.#session.sql(
        `INSERT INTO ${landing.target.sql} BY NAME SELECT * FROM parquet.${quoteIdentifier(escapeGlob(file))}`,
        undefined,
        options,
      );
    } finally {
      // Once in the landing table, the staged copy is not needed (a local file is kept: it is the caller's folder).
      if (staged !== undefined) await this.#stager?.remove(staged);
    }
    const source = `(SELECT * FROM ${landing.target.sql} WHERE array_contains(:ids, ${quoteIdentifier(ingestField.column)}))`;
    const [metrics] = await this.#repeatable("MERGE", options, async (budget) =>
      (await this.#session.sql(this.#mergeSql(source, keys), { ids }, { ...options, budget })).collect({
        ...options,
        budget,
      }),
    );
    return {
      file,
      staged: valid.length,
      inserted: BigInt((metrics?.num_inserted_rows as bigint | undefined) ?? 0n),
      updated: BigInt((metrics?.num_updated_rows as bigint | undefined) ?? 0n),
    };
  }

  /** MERGE from `source` (a view name or a parenthesized query) by key; created_at is kept on update. */
  #mergeSql(source: string, keys: readonly string[]): string {
    const q = quoteIdentifier;
    const columns = this.descriptor.fields.map((f) => f.column);
    const kept = new Set([
      ...keys,
      ...this.descriptor.fields.filter((f) => f.role === "created_at").map((f) => f.column),
    ]);
    const on = keys.map((k) => `t.${q(k)} <=> s.${q(k)}`).join(" AND ");
    const set = columns.filter((c) => !kept.has(c)).map((c) => `t.${q(c)} = s.${q(c)}`);
    return [
      `MERGE INTO ${this.target.sql} AS t USING ${source} AS s ON ${on}`,
      set.length > 0 ? `WHEN MATCHED THEN UPDATE SET ${set.join(", ")}` : "",
      `WHEN NOT MATCHED THEN INSERT (${columns.map(q).join(", ")}) VALUES (${columns.map((c) => `s.${q(c)}`).join(", ")})`,
    ].join(" ");
  }

  /** Delete the rows with these primary keys (values bound as parameters); returns how many were deleted. */
  async deleteByKey(keys: readonly Partial<T>[], options: QueryOptions = {}): Promise<bigint> {
    if (keys.length === 0) return 0n;
    const keyColumns = this.#primaryKey();
    const fields = keyColumns.map((c) => this.descriptor.fields.find((f) => f.column === c) as FieldDescriptor);
    const params: Record<string, SqlValue> = {};
    const terms = keys.map((key, k) => {
      const parts = fields.map((field, i) => {
        const value = (key as Record<string, unknown>)[field.name];
        if (value === undefined) {
          throw new InvalidArgumentError(`deleteByKey: key #${k} has no value for ${field.name}`);
        }
        params[`k${k}_${i}`] = toSparkValue(field, value);
        return `${quoteIdentifier(field.column)} = :k${k}_${i}`;
      });
      return `(${parts.join(" AND ")})`;
    });
    // A DELETE that Delta refused for a conflict deleted nothing: running it again is safe.
    const [metrics] = await this.#repeatable("DELETE", options, async (budget) =>
      (
        await this.#session.sql(`DELETE FROM ${this.target.sql} WHERE ${terms.join(" OR ")}`, params, {
          ...options,
          budget,
        })
      ).collect({ ...options, budget }),
    );
    return BigInt((metrics?.num_affected_rows as bigint | undefined) ?? 0n);
  }

  /**
   * Run a repeatable operation (a MERGE or DELETE by key) again, from the start, after the server lost the session
   * (it restarted: the data uploaded into it is gone) or Delta refused it for a concurrent change — spending the
   * call's one retry budget, whose RPCs already retry transient failures themselves.
   */
  async #repeatable<R>(operation: string, options: QueryOptions, op: (budget: RetryBudget) => Promise<R>): Promise<R> {
    const budget = options.budget ?? this.#session.retryBudget(options.signal);
    for (;;) {
      try {
        return await op(budget);
      } catch (error) {
        await this.#beforeRepeat(operation, error, budget);
      }
    }
  }

  /** Throws `error` unless it is one that running the operation again from the start fixes; then waits for it. */
  async #beforeRepeat(operation: string, error: unknown, budget: RetryBudget): Promise<void> {
    if (budget.signal?.aborted) throw error;
    if (isSparkError(error) && error.errorClass === "INVALID_HANDLE.SESSION_CHANGED") {
      this.#session.reconnect();
      // The server is back (it answered): run again at once, on a new session.
      await budget.beforeRetry(operation, error, 0);
    } else if (isDeltaConflictError(error)) {
      // Writers that conflicted once would conflict again in step: a random share of the back-off spreads them.
      const cap = Math.min(
        budget.policy.maxBackoffMs,
        Math.max(1, budget.policy.initialBackoffMs) * 2 ** (budget.retries + 2),
      );
      await budget.beforeRetry(operation, error, Math.random() * cap);
    } else {
      throw error;
    }
  }

  #primaryKey(): readonly string[] {
    const keys = this.descriptor.table?.primaryKey ?? [];
    if (keys.length === 0)
      throw new InvalidArgumentError(`${this.descriptor.typeName} has no primary key in its contract`);
    return keys;
  }

  #duplicateKeys(records: readonly T[], keys: readonly string[]): RejectedRecord[] {
    const fields = keys.map((c) => this.descriptor.fields.find((f) => f.column === c) as FieldDescriptor);
    const first = new Map<string, number>();
    const out: RejectedRecord[] = [];
    records.forEach((record, index) => {
      const id = JSON.stringify(fields.map((f) => String((record as Record<string, unknown>)[f.name])));
      const seen = first.get(id);
      if (seen === undefined) first.set(id, index);
      else
        out.push({
          index,
          issues: [
            { path: fields.map((f) => f.name).join(","), message: `repeats the primary key of record #${seen}` },
          ],
        });
    });
    return out;
  }

  /**
   * Typed records matching `filter`, buffered. With `select`, only those properties' columns are read, and each row
   * is a `Pick<T, …>` of them (`distinct` keeps one of each distinct row).
   * @example const recent = await orders.query({ status: "STATUS_PAID" }, { select: ["orderId", "total"], limit: 10 });
   */
  query<K extends FieldKey<T>>(filter: Filter<T> | undefined, options: ProjectionOptions<T, K>): Promise<Pick<T, K>[]>;
  query(filter?: Filter<T>, options?: ReadOptions): Promise<T[]>;
  async query(filter?: Filter<T>, options: ReadOptions & Partial<ProjectionOptions<T, FieldKey<T>>> = {}) {
    const { frame, shape } = this.#read(filter, options);
    return shape.fromArrow(await frame.toArrow(options));
  }

  /** Typed records (or, with `select`, picks of them) matching `filter`, streamed with back-pressure in constant memory. */
  stream<K extends FieldKey<T>>(
    filter: Filter<T> | undefined,
    options: ProjectionOptions<T, K>,
  ): AsyncGenerator<Pick<T, K>, void, undefined>;
  stream(filter?: Filter<T>, options?: ReadOptions): AsyncGenerator<T, void, undefined>;
  async *stream(
    filter?: Filter<T>,
    options: ReadOptions & Partial<ProjectionOptions<T, FieldKey<T>>> = {},
  ): AsyncGenerator<object, void, undefined> {
    const { frame, shape } = this.#read(filter, options);
    for await (const batch of frame.batches(options)) yield* shape.fromArrow(new Table([batch]));
  }

  /**
   * Spark's physical plan for a query with `filter` (shows partition pruning: `PartitionFilters: […]`), and with
   * `select`, the columns read (`ReadSchema: struct<…>`).
   */
  explain(
    filter?: Filter<T>,
    options: QueryOptions & Partial<ProjectionOptions<T, FieldKey<T>>> = {},
  ): Promise<string> {
    return this.#read(filter, options).frame.explain("simple", options);
  }

  count(filter?: Filter<T>, options: QueryOptions = {}): Promise<bigint> {
    return this.#frame(filter, {}).count(options);
  }

  /** The plan of a read and the shape its rows are decoded into (the record, or the selected part of it). */
  #read(
    filter: Filter<T> | undefined,
    options: ReadOptions & Partial<ProjectionOptions<T, FieldKey<T>>>,
  ): { frame: DataFrame; shape: RecordShape<object> } {
    if (options.select === undefined) {
      if (options.distinct === true) {
        throw new InvalidArgumentError("distinct: needs a selection (`select`); whole records are distinct by key");
      }
      return { frame: this.#frame(filter, options), shape: this.#class };
    }
    const shape = pickShape(this.#class, options.select);
    return { frame: this.#frame(filter, options, shape.descriptor, options.distinct === true), shape };
  }

  /**
   * filter → sort → project → limit; with `distinct`, filter → project → distinct → sort → limit (Spark sorts by an
   * unselected column through a projection, not through a distinct: there the sort fields must be selected).
   */
  #frame(
    filter: Filter<T> | undefined,
    options: ReadOptions,
    selection?: RecordDescriptor,
    distinct = false,
  ): DataFrame {
    let df = this.target.read(this.#session);
    const condition = filterExpression(this.descriptor, filter);
    if (condition) df = df.filter(condition);
    const order = (options.orderBy ?? []).map((o) => {
      const field = this.descriptor.fields.find((f) => f.name === o.field);
      if (!field) throw new InvalidArgumentError(`${this.descriptor.typeName} has no field "${o.field}" to sort by`);
      if (distinct && !selection?.fields.includes(field)) {
        throw new InvalidArgumentError(`distinct: sorts by selected fields only, and "${o.field}" is not selected`);
      }
      return { name: field.column, descending: o.descending ?? false };
    });
    if (order.length > 0 && !distinct) df = df.orderBy(...order);
    if (selection !== undefined) df = df.select(...selection.fields.map((f) => quoteIdentifier(f.column)));
    if (distinct) df = df.distinct();
    if (order.length > 0 && distinct) df = df.orderBy(...order);
    if (options.limit !== undefined) {
      if (!Number.isSafeInteger(options.limit) || options.limit < 0) {
        throw new InvalidArgumentError(`limit: must be a non-negative integer, not ${options.limit}`);
      }
      df = df.limit(options.limit);
    }
    return df;
  }

  /**
   * A writer for many concurrent callers: each `write(records)` is validated at once and queued, and queued records
   * are committed together (group commit), one commit at a time, on a session of the writer's own. See
   * record-writer.ts.
   * @example const writer = orders.writer(); const { version } = await writer.write([order]);
   */
  writer(options: RecordWriterOptions = {}): RecordWriter<T> {
    const session = this.#session.newSession();
    const table = options.appId === undefined ? this.onSession(session) : this.#copy(session, options.appId);
    return new RecordWriter(table, session, options);
  }

  /** @internal This handle — its table and app id — on another session. */
  onSession(session: SparkSession): RecordTable<T> {
    const copy = this.#copy(session, this.#appId);
    copy.#fresh = this.#fresh;
    return copy;
  }

  /**
   * This handle's table under `appId` on another session, with this handle's staging: the same stager, so copies
   * (a writer rotates its session every `rotateAfterBytes`) do not each start a Parquet worker of their own.
   */
  #copy(session: SparkSession, appId: string): RecordTable<T> {
    const copy = new RecordTable(session, this.#class, {
      ...(this.target.location === undefined ? {} : { location: this.target.location }),
      ...(this.target.tableName === undefined ? {} : { tableName: this.target.tableName }),
      checkConstraints: this.#checkConstraints,
      appId,
    });
    copy.#stager = this.#stager;
    return copy;
  }

  /**
   * Remove staged files older than `olderThanMs` (default a day) from the staging store: what a load that crashed
   * between its upload and its commit left behind. Returns their keys.
   */
  cleanStaging(olderThanMs?: number): Promise<string[]> {
    if (this.#stager === undefined) throw new InvalidArgumentError("this table handle has no staging store");
    return this.#stager.clean(olderThanMs);
  }

  /** @internal Validate and encode records for an append (see `#prepare`). */
  prepareBatch(records: readonly T[], options: InsertOptions = {}): PreparedBatch {
    return this.#prepare(records, options);
  }

  /** @internal Append a prepared batch under this handle's app id and its next version. */
  appendBatch(batch: PreparedBatch, options: QueryOptions = {}): Promise<InsertResult> {
    const budget = options.budget ?? this.#session.retryBudget(options.signal);
    return this.#append(batch, { ...options, budget });
  }

  /** Validate and encode a batch (no I/O). Under `onInvalid: "reject"` one invalid record rejects the whole batch. */
  #prepare(records: readonly T[], options: InsertOptions): PreparedBatch {
    const { valid, rejected, encoded } = this.#validate(records);
    if (rejected.length > 0 && (options.onInvalid ?? "reject") === "reject") {
      throw new RecordsRejectedError(this.descriptor.typeName, records.length, rejected);
    }
    if (valid.length === 0) return { inserted: 0, rejected, data: undefined };
    return { inserted: valid.length, rejected, data: encoded ?? toArrow(this.descriptor, valid) };
  }

  /**
   * Upload a prepared batch and append it in one idempotent Delta commit, then find that commit by its marker and
   * check it holds this batch. `explicit` names the key (its version, or the next of `appId` when absent).
   */
  async #append(
    batch: PreparedBatch,
    options: QueryOptions & { budget: RetryBudget; path?: InsertOptions["path"] },
    explicit?: { appId: string; version: bigint | undefined },
    ahead?: Promise<StagedFile>,
  ): Promise<InsertResult> {
    try {
      return await this.#appendBatch(batch, options, explicit, ahead);
    } catch (error) {
      throw isConstraintViolationError(error) ? constraintError(this.descriptor, error) : error;
    }
  }

  async #appendBatch(
    batch: PreparedBatch,
    options: QueryOptions & { budget: RetryBudget; path?: InsertOptions["path"] },
    explicit?: { appId: string; version: bigint | undefined },
    ahead?: Promise<StagedFile>,
  ): Promise<InsertResult> {
    const { inserted, rejected, data } = batch;
    const appId = explicit?.appId ?? this.#appId;
    if (data === undefined) {
      this.#discard(ahead);
      const key = explicit?.version === undefined ? undefined : { appId, version: explicit.version };
      return { inserted, rejected, version: undefined, idempotencyKey: key, alreadyCommitted: false, path: "direct" };
    }
    const path = this.#pathOf(data, options.path);
    const state = this.#writer(appId);
    const sha256 = batchFingerprint(this.descriptor, data);
    // Aborted before its append was sent (while uploading, waiting for its turn, recovering its version): nothing
    // of the batch can be in the table. Once sent, the append's own handler below says what happened.
    const notSent = (error: unknown): never => {
      if (isCancelledError(error) && !isWriteCancelledError(error)) {
        throw new WriteCancelledError(error, { committed: false });
      }
      throw error;
    };
    // Uploading (into the session, or into object storage) does not need the writer's turn: it overlaps the append
    // in flight. A staged file is the commit's input: read by the executors, removed once the commit has ended.
    let staged: StagedFile | undefined;
    const stage = () => {
      // Staged ahead (insertStream) once; a retry stages again.
      const file = ahead ?? (this.#stager as Stager).stage(data, appId, options.signal);
      ahead = undefined;
      return file;
    };
    const upload = async (): Promise<DataFrame> => {
      if (path === "direct") return this.#session.createDataFrame(data, options);
      staged ??= await stage();
      return this.#session.read("parquet", [staged.uri]);
    };
    let df: DataFrame | undefined;
    try {
      df = await this.#repeatable("upload", options, () => upload()).catch(notSent);
      return await queued(state, options.signal, async () => {
        const version = explicit?.version ?? (await this.#nextVersion(state, appId, options));
        if (state.next === undefined || state.next <= version) state.next = version + 1n;
        const key = { appId, version };
        if (state.recorded !== undefined && version <= state.recorded) {
          // Delta holds this version of the app id already: the batch landed before (a resumed run), or the key is
          // taken by another batch. Nothing is sent; the commit says which.
          const commit = await this.#verify(state, key, sha256, options);
          return { inserted, rejected, version: commit.version, idempotencyKey: key, alreadyCommitted: true, path };
        }
        const marker = encodeMarker({ appId, txnVersion: version, sha256, rows: data.numRows });
        let sent = false;
        for (;;) {
          try {
            df ??= await upload();
            const writer = df.write
              .format("delta")
              .mode("append")
              .option("txnAppId", appId)
              .option("txnVersion", version)
              .option("userMetadata", marker);
            sent = true;
            // On abort the append is interrupted, and followed until the server says how it ended.
            const writeOptions = { ...options, onAbort: "settle" as const };
            if (this.target.location !== undefined) await writer.save(this.target.location, writeOptions);
            else await writer.saveAsTable(this.target.tableName as string, writeOptions);
            const commit = await this.#verify(state, key, sha256, options);
            if (state.recorded === undefined || state.recorded < version) state.recorded = version;
            return { inserted, rejected, version: commit.version, idempotencyKey: key, alreadyCommitted: false, path };
          } catch (error) {
            if (isCancelledError(error)) throw await this.#cancelled(error, sent, state, key, sha256);
            await this.#beforeRepeat("append", error, options.budget);
            // Run again from the upload when the server lost the session (and the data with it; a staged file stays).
            if (isSparkError(error) && error.errorClass === "INVALID_HANDLE.SESSION_CHANGED") df = undefined;
          }
        }
      }).catch(notSent);
    } finally {
      if (staged !== undefined) await (this.#stager as Stager).remove(staged);
      this.#discard(ahead);
    }
  }

  /** On the bulk path, start encoding and uploading a prepared batch now (its commit takes the file later). */
  #stageAhead(batch: PreparedBatch, appId: string, options: InsertOptions & QueryOptions) {
    if (batch.data === undefined || this.#pathOf(batch.data, options.path) !== "bulk") return undefined;
    const file = (this.#stager as Stager).stage(batch.data, appId, options.signal);
    file.catch(() => {}); // seen by the commit that takes it, or dropped by #discard
    return file;
  }

  /** A file staged ahead for a commit that will not run: removed once its upload ends. */
  #discard(ahead: Promise<StagedFile> | undefined): void {
    void ahead?.then(
      (file) => this.#stager?.remove(file),
      () => {},
    );
  }

  /** The path of a batch: `requested`, or by its size under "auto". */
  #pathOf(data: Table, requested: InsertOptions["path"]): "direct" | "bulk" {
    if (requested === "bulk") {
      if (this.#stager === undefined) {
        throw new InvalidArgumentError('path: "bulk" needs a staging store (the `staging` option of the table handle)');
      }
      return "bulk";
    }
    if (requested === "direct" || this.#stager === undefined) return "direct";
    const bytes = data.batches.reduce((n, b) => n + b.data.byteLength, 0);
    return bytes >= this.#stager.minBytes ? "bulk" : "direct";
  }

  /** The commit under `key` holds this batch: it is returned. Anything else is an `IdempotencyConflictError`. */
  async #verify(
    state: WriterState,
    key: { appId: string; version: bigint },
    sha256: string,
    options: QueryOptions,
  ): Promise<{ version: bigint; sha256: string }> {
    const commit = await findCommit(this.#session, this.target, key.appId, key.version, state, options);
    if (commit !== undefined && commit.sha256 === sha256) return commit;
    // Someone else writes under this app id: what this process knew of it is stale.
    state.next = undefined;
    state.recorded = undefined;
    if (commit === undefined) {
      throw new IdempotencyConflictError(
        this.target.sql,
        key,
        "no commit under this key is in the table's history: the app id's versions went past it without it (a " +
          "writer's versions must grow), it was written by a writer that does not record its batches, or its " +
          "commit is older than the history Delta keeps",
      );
    }
    throw new IdempotencyConflictError(
      this.target.sql,
      key,
      `the commit under this key (Delta version ${commit.version}) holds a different batch`,
      commit.version,
    );
  }

  /** What an aborted append did, as far as the table tells: the error the caller gets. */
  async #cancelled(
    error: CancelledError,
    sent: boolean,
    state: WriterState,
    key: { appId: string; version: bigint },
    sha256: string,
  ): Promise<WriteCancelledError> {
    if (!sent) return new WriteCancelledError(error, { committed: false, idempotencyKey: key });
    // The caller's signal has fired: the table is asked under a deadline of its own.
    const signal = AbortSignal.timeout(30_000);
    try {
      const commit = await findCommit(this.#session, this.target, key.appId, key.version, state, {
        signal,
        budget: this.#session.retryBudget(signal),
      });
      if (commit !== undefined && commit.sha256 === sha256) {
        if (state.recorded === undefined || state.recorded < key.version) state.recorded = key.version;
        return new WriteCancelledError(error, { committed: true, version: commit.version, idempotencyKey: key });
      }
      // Not in the table, and — once the server said how the append ended — never will be.
      return new WriteCancelledError(error, { committed: error.settled ? false : undefined, idempotencyKey: key });
    } catch {
      return new WriteCancelledError(error, { committed: undefined, idempotencyKey: key });
    }
  }

  /** The next version of `appId` (recovered from the table's log the first time). */
  async #nextVersion(state: WriterState, appId: string, options: QueryOptions): Promise<bigint> {
    await this.#recovered(state, appId, options);
    const version = state.next as bigint;
    state.next = version + 1n;
    return version;
  }

  /** `state` knows the last version Delta recorded for `appId` in this table. */
  async #recovered(state: WriterState, appId: string, options: QueryOptions): Promise<void> {
    if (state.recorded !== undefined && state.next !== undefined) return;
    const recorded = await recordedTxnVersion(this.#session, this.target, appId, options);
    state.recorded = recorded;
    if (state.next === undefined || state.next <= recorded) state.next = recorded + 1n;
  }

  #writer(appId: string): WriterState {
    return writerState(`${this.#session.endpoint} ${this.target.sql} ${appId}`, this.#fresh && appId === this.#appId);
  }

  /** Every record checked; `encoded` is the Arrow table of all of them when every one is valid (encoded once). */
  #validate(records: readonly T[]): { valid: T[]; rejected: RejectedRecord[]; encoded?: Table } {
    const issuesByIndex = new Map<number, RecordIssue[]>();
    const add = (index: number, issues: readonly RecordIssue[]) => {
      if (issues.length > 0) issuesByIndex.set(index, [...(issuesByIndex.get(index) ?? []), ...issues]);
    };
    records.forEach((record, i) => {
      add(i, this.#class.check?.(record) ?? []);
    });
    // Column ranges (an int32 overflow, a decimal with too many digits) are checked by encoding each record.
    let encoded: Table | undefined;
    try {
      encoded = toArrow(this.descriptor, records);
    } catch (error) {
      if (!isRecordEncodeError(error) || error.rejects === undefined) throw error;
      for (const { index, issues } of error.rejects) add(index, issues);
    }
    const rejected = [...issuesByIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, issues]) => ({ index, issues }));
    if (rejected.length === 0 && encoded !== undefined) return { valid: [...records], rejected, encoded };
    const valid = records.filter((_, i) => !issuesByIndex.has(i));
    return { valid, rejected };
  }
}

function checkAppId(appId: unknown): void {
  if (typeof appId !== "string" || appId.trim() === "") {
    throw new InvalidArgumentError("an app id must be a non-empty string");
  }
}

function toVersion(version: bigint | number): bigint {
  const v = typeof version === "bigint" ? version : Number.isSafeInteger(version) ? BigInt(version) : -1n;
  if (v < 1n) throw new InvalidArgumentError(`a txnVersion must be a positive integer, not ${version}`);
  return v;
}

/**
 * A CHECK constraint's refusal in the contract's words: the field and rule id of the table descriptor's constraint,
 * only the values of that field's columns, redacted where a field on the way is sensitive. Spark's own message and
 * parameters (which carry every value) are not kept, not even as the cause.
 */
function constraintError(d: RecordDescriptor, error: ConstraintViolationError): ConstraintViolationError {
  const check = d.table?.checks?.find((c) => c.name.toLowerCase() === error.constraint.toLowerCase());
  if (check === undefined) return error;
  const path = check.field.split(".");
  const sensitive = sensitivePath(d, path);
  const values: Record<string, string> = {};
  for (const [at, value] of Object.entries(error.values)) {
    // Spark prints a struct on the way as its memory layout: only the field's own value says anything.
    if (at.toLowerCase() !== check.field.toLowerCase() && at.split(".").length < path.length) continue;
    values[at] = sensitive ? "[redacted]" : value;
  }
  const shown = Object.values(values);
  const value = shown.length === 1 ? ` (value: ${shown[0]})` : "";
  const message = `${check.field}: violates the table's CHECK constraint ${check.name}${value} [${check.rule}]`;
  return new ConstraintViolationError(
    message,
    {
      errorClass: error.errorClass,
      sqlState: error.sqlState,
      messageParameters: { constraintName: error.constraint },
      errorId: error.errorId,
      grpcCode: error.grpcCode,
    },
    { constraint: check.name, expression: check.expression, field: check.field, ruleId: check.rule, values },
  );
}

/** Whether a field, or a record on the way to it, is sensitive. */
function sensitivePath(d: RecordDescriptor, path: readonly string[]): boolean {
  let fields: readonly FieldDescriptor[] | undefined = d.fields;
  for (const part of path) {
    const field: FieldDescriptor | undefined = fields?.find((f) => f.column === part);
    if (field === undefined) return false;
    if (field.sensitive === true) return true;
    const record: (() => RecordDescriptor) | undefined = referencedRecord(field.type);
    fields = record === undefined ? undefined : record().fields;
  }
  return false;
}
