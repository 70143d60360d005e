/**
 * A record contract's Delta table: create or check it, insert validated records atomically and idempotently,
 * upsert and delete by primary key, and read typed records back (buffered or streamed).
 *
 * Atomicity: a batch is validated whole before anything is sent; it becomes one Arrow relation and one Delta
 * append (one commit). Idempotency: every insert carries Delta's `txnAppId`/`txnVersion`; Delta skips a commit
 * whose version it has already recorded for that app id, so a retried insert never writes twice.
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Table } from "apache-arrow";
import { InvalidArgumentError, isSparkError } from "../errors.js";
import { toArrow } from "../records/arrow-encode.js";
import { arrowSchema } from "../records/arrow-schema.js";
import type { FieldDescriptor, RecordDescriptor } from "../records/descriptor.js";
import { RecordEncodeError, type RecordIssue } from "../records/errors.js";
import { newIngestId } from "../records/ingest-id.js";
import { toParquet } from "../records/parquet-write.js";
import { quoteIdentifier } from "../records/sql-text.js";
import { createTableSql } from "../records/table-sql.js";
import type { QueryOptions } from "../spark/dataframe.js";
import type { SqlValue } from "../spark/literals.js";
import { DEFAULT_RETRY_POLICY, isRetryable, withRetry } from "../spark/retry.js";
import type { SparkSession } from "../spark/session.js";
import { RecordsRejectedError, type RejectedRecord, TableSchemaMismatchError } from "./errors.js";
import { type Filter, filterExpression, toSparkValue } from "./filter.js";
import type { RecordClass } from "./record-class.js";
import { columnsOf, diffColumns } from "./schema-diff.js";
import { type TableLocation, TableTarget } from "./table-target.js";

export interface IdempotencyKey {
  /** Delta's `txnAppId`: one writer (a process, a pipeline). */
  appId: string;
  /** Delta's `txnVersion`: increases with every batch of that writer. */
  version: bigint | number;
}

export interface InsertOptions extends QueryOptions {
  /** "reject" (default): any invalid record fails the whole call and nothing is written. "skip": write the valid ones. */
  onInvalid?: "reject" | "skip";
  /** Default: this table handle's app id and its next version. */
  idempotencyKey?: IdempotencyKey;
}

export interface InsertResult {
  /** Records of the batch now in the table (written by this call, or by an earlier try with the same key). */
  inserted: number;
  rejected: readonly RejectedRecord[];
  /** The Delta table version of the commit that holds the batch. */
  version: bigint | undefined;
  idempotencyKey: IdempotencyKey;
}

export interface InsertStreamOptions<T = unknown> extends Omit<InsertOptions, "idempotencyKey"> {
  /** Records per batch (and per Delta commit). Default 10,000. */
  batchSize?: number;
  /** The writer's id for idempotency; give the same one (and `firstVersion`) to resume a stream safely. */
  appId?: string;
  firstVersion?: bigint | number;
  onProgress?: (progress: InsertStreamResult) => void;
  /** With `onInvalid: "skip"`: called with each batch's rejected records and their issues. */
  onRejected?: (rejected: readonly { record: T; issues: readonly RecordIssue[] }[]) => void;
}

/** A validated batch: the Arrow table of its valid records (none when every record was rejected). */
interface PreparedBatch {
  inserted: number;
  rejected: readonly RejectedRecord[];
  data: Table | undefined;
}

export interface StageResult {
  /** The Parquet file the batch was staged in. */
  file: string;
  staged: number;
  inserted: bigint;
  updated: bigint;
}

export interface InsertStreamResult {
  batches: number;
  inserted: number;
  rejected: number;
  lastVersion: bigint | undefined;
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

export class RecordTable<T extends object> {
  readonly target: TableTarget;
  readonly #session: SparkSession;
  readonly #class: RecordClass<T>;
  readonly #appId: string;
  #nextVersion = 1n;

  constructor(session: SparkSession, recordClass: RecordClass<T>, where: TableLocation & { appId?: string } = {}) {
    this.#session = session;
    this.#class = recordClass;
    this.target = new TableTarget(recordClass.descriptor, where);
    this.#appId = where.appId ?? `lakehouse-${randomUUID()}`;
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
    const differences = diffColumns(actual, expected);
    if (differences.length > 0) {
      throw new TableSchemaMismatchError(this.descriptor.typeName, this.target.sql, differences);
    }
  }

  /**
   * Validate every record, then append the valid ones in one Delta commit.
   * @example const { inserted, version } = await orders.insertRecords([new Order({ id: 1n, … })]);
   */
  async insertRecords(records: readonly T[], options: InsertOptions = {}): Promise<InsertResult> {
    const key = options.idempotencyKey ?? { appId: this.#appId, version: this.#nextVersion++ };
    return this.#append(this.#prepare(records, options), key, options);
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
    const appId = options.appId ?? this.#appId;
    let version = BigInt(options.firstVersion ?? this.#nextVersion);
    const progress: InsertStreamResult = { batches: 0, inserted: 0, rejected: 0, lastVersion: undefined };
    let batch: T[] = [];
    // The append in flight (at most one); its failure is seen by the next flush or at the end.
    let writing: Promise<void> = Promise.resolve();
    const append = async (records: readonly T[], prepared: PreparedBatch, key: IdempotencyKey) => {
      const result = await this.#append(prepared, key, options);
      progress.batches++;
      progress.inserted += result.inserted;
      progress.rejected += result.rejected.length;
      progress.lastVersion = result.version ?? progress.lastVersion;
      if (result.rejected.length > 0) {
        options.onRejected?.(result.rejected.map((r) => ({ record: records[r.index] as T, issues: r.issues })));
      }
      options.onProgress?.({ ...progress });
    };
    const flush = async () => {
      if (batch.length === 0) return;
      const records = batch;
      batch = [];
      const key = { appId, version };
      version++;
      let prepared: PreparedBatch;
      try {
        prepared = this.#prepare(records, options);
      } finally {
        await writing; // batches commit in order: the earlier one first, even when this one is rejected
      }
      writing = append(records, prepared, key);
      writing.catch(() => {}); // awaited by the next flush or at the end; not an unhandled rejection meanwhile
    };
    try {
      for await (const record of source) {
        batch.push(record);
        if (batch.length >= batchSize) await flush();
      }
      await flush();
    } finally {
      await writing;
    }
    if (options.appId === undefined) this.#nextVersion = version;
    return progress;
  }

  /**
   * The parameterized `INSERT INTO … VALUES` path for small writes of flat records: values are bound parameters.
   */
  async insertRecordsSql(records: readonly T[], options: QueryOptions = {}): Promise<number> {
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
    // MERGE by key is idempotent: running it again after a lost connection or session gives the same table.
    return this.#resilient(async () => {
      const view = `lakehouse_upsert_${randomUUID().replaceAll("-", "")}`;
      const df = await this.#session.createDataFrame(data, options);
      await df.createOrReplaceTempView(view, options);
      try {
        const sql = this.#mergeSql(quoteIdentifier(view), keys);
        const [metrics] = await (await this.#session.sql(sql, undefined, options)).collect(options);
        return {
          inserted: BigInt((metrics?.num_inserted_rows as bigint | undefined) ?? 0n),
          updated: BigInt((metrics?.num_updated_rows as bigint | undefined) ?? 0n),
        };
      } finally {
        await this.#session.sql(`DROP VIEW IF EXISTS ${quoteIdentifier(view)}`).catch(() => undefined);
      }
    }, options);
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
    options: QueryOptions & { stagingDir: string; landing: TableLocation },
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
    const file = join(options.stagingDir, `${newIngestId()}.parquet`);
    await mkdir(options.stagingDir, { recursive: true });
    await writeFile(file, await toParquet(this.descriptor, valid));
    const ids = valid.map((r) => String((r as Record<string, unknown>)[ingestField.name]));
    await this.#session.sql(
      `INSERT INTO ${landing.target.sql} BY NAME SELECT * FROM parquet.${quoteIdentifier(file)}`,
      undefined,
      options,
    );
    const source = `(SELECT * FROM ${landing.target.sql} WHERE array_contains(:ids, ${quoteIdentifier(ingestField.column)}))`;
    const df = await this.#session.sql(this.#mergeSql(source, keys), { ids }, options);
    const [metrics] = await df.collect(options);
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
    const df = await this.#session.sql(`DELETE FROM ${this.target.sql} WHERE ${terms.join(" OR ")}`, params, options);
    const [metrics] = await df.collect(options);
    return BigInt((metrics?.num_affected_rows as bigint | undefined) ?? 0n);
  }

  /** Run `op` again after a lost connection or a restarted server (with a new session), up to the policy's tries. */
  #resilient<R>(op: () => Promise<R>, options: QueryOptions): Promise<R> {
    return withRetry(op, {
      policy: { ...DEFAULT_RETRY_POLICY, maxRetries: 5 },
      signal: options.signal,
      retryable: (error) => {
        if (isSparkError(error) && error.errorClass === "INVALID_HANDLE.SESSION_CHANGED") {
          this.#session.reconnect();
          return true;
        }
        return isRetryable(error);
      },
    });
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

  /** Typed records matching `filter`, buffered. */
  async query(filter?: Filter<T>, options: ReadOptions = {}): Promise<T[]> {
    const table = await this.#frame(filter, options).toArrow(options);
    return this.#class.fromArrow(table);
  }

  /** Typed records matching `filter`, streamed with back-pressure in constant memory. */
  async *stream(filter?: Filter<T>, options: ReadOptions = {}): AsyncGenerator<T, void, undefined> {
    for await (const batch of this.#frame(filter, options).batches(options)) {
      yield* this.#class.fromArrow(new Table([batch]));
    }
  }

  /** Spark's physical plan for a query with `filter` (shows partition pruning: `PartitionFilters: […]`). */
  explain(filter?: Filter<T>, options: QueryOptions = {}): Promise<string> {
    return this.#frame(filter, {}).explain("simple", options);
  }

  count(filter?: Filter<T>, options: QueryOptions = {}): Promise<bigint> {
    return this.#frame(filter, {}).count(options);
  }

  #frame(filter: Filter<T> | undefined, options: ReadOptions) {
    let df = this.target.read(this.#session);
    const condition = filterExpression(this.descriptor, filter);
    if (condition) df = df.filter(condition);
    if (options.orderBy && options.orderBy.length > 0) {
      df = df.orderBy(
        ...options.orderBy.map((o) => {
          const field = this.descriptor.fields.find((f) => f.name === o.field);
          if (!field)
            throw new InvalidArgumentError(`${this.descriptor.typeName} has no field "${o.field}" to sort by`);
          return { name: field.column, descending: o.descending ?? false };
        }),
      );
    }
    if (options.limit !== undefined) df = df.limit(options.limit);
    return df;
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

  /** Upload a prepared batch and append it in one idempotent Delta commit; then find that commit's version. */
  async #append(batch: PreparedBatch, key: IdempotencyKey, options: QueryOptions): Promise<InsertResult> {
    const { inserted, rejected, data } = batch;
    if (data === undefined) return { inserted, rejected, version: undefined, idempotencyKey: key };
    const marker = `${key.appId}:${key.version}`;
    // Upload and append again on a lost session or connection: the same txnAppId/txnVersion makes Delta skip the
    // append if the earlier try had committed, so the batch lands exactly once.
    const version = await this.#resilient(async () => {
      const df = await this.#session.createDataFrame(data, options);
      const writer = df.write
        .format("delta")
        .mode("append")
        .option("txnAppId", key.appId)
        .option("txnVersion", key.version)
        .option("userMetadata", marker);
      if (this.target.location !== undefined) await writer.save(this.target.location, options);
      else await writer.saveAsTable(this.target.tableName as string, options);
      return this.#commitOf(marker, options);
    }, options);
    return { inserted, rejected, version, idempotencyKey: key };
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
      if (!(error instanceof RecordEncodeError)) throw error;
      for (const issue of error.issues) {
        const match = /^\[(\d+)\]\.?(.*)$/.exec(issue.path);
        const index = match ? Number(match[1]) : 0;
        add(index, [{ ...issue, path: match?.[2] ?? issue.path }]);
      }
    }
    const rejected = [...issuesByIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, issues]) => ({ index, issues }));
    if (rejected.length === 0 && encoded !== undefined) return { valid: [...records], rejected, encoded };
    const valid = records.filter((_, i) => !issuesByIndex.has(i));
    return { valid, rejected };
  }

  /**
   * The commit that holds a batch: found by its `userMetadata` marker in the table's history (newest first): the
   * newest commit alone first (no concurrent writer: it is ours), then the last 64, then all of it.
   */
  async #commitOf(marker: string, options: QueryOptions): Promise<bigint | undefined> {
    for (const limit of [" LIMIT 1", " LIMIT 64", ""]) {
      const df = await this.#session.sql(`DESCRIBE HISTORY ${this.target.sql}${limit}`, undefined, options);
      const versions = (await df.collect(options))
        .filter((h) => h.userMetadata === marker)
        .map((h) => h.version as bigint);
      if (versions.length > 0) return versions.sort((a, b) => (a < b ? -1 : 1))[0];
    }
    return undefined;
  }
}
