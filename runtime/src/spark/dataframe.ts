/**
 * A lazy, immutable query plan bound to a session. Nothing runs until a result is asked for: `toArrow()` and
 * `collect()` buffer the result; `batches()` and `rows()` stream it with back-pressure (a slow consumer pauses the
 * server), so results larger than memory can be read in constant memory.
 */
import type { RecordBatch, Schema, Table } from "apache-arrow";
import { decodeIpcStream, tableFromBatches } from "../arrow/ipc.js";
import { batchToRows, type Row } from "../arrow/rows.js";
import { ProtocolError } from "../errors.js";
import type { DataType } from "../gen/spark/connect/types_pb.js";
import type { RecordShape } from "../reads/shape.js";
import { type IntoOptions, TypedResult } from "../reads/typed-result.js";
import type { SparkClient } from "./client.js";
import type { ExecuteOptions } from "./execute.js";
import type { ExpressionInit, RelationInit } from "./relations.js";
import * as rel from "./relations.js";
import { DataFrameWriter } from "./writer.js";
import { DataFrameWriterV2 } from "./writer-v2.js";

/**
 * Options of a query or command. `signal` cancels it (interrupting it on the server); a deadline for the whole
 * call is `signal: AbortSignal.timeout(ms)` (it then fails with `TimeoutError`).
 */
export type QueryOptions = Pick<ExecuteOptions, "signal" | "tags" | "idleTimeoutMs" | "budget" | "onAbort">;

export class DataFrame {
  /** A plan bound to a client; sessions make DataFrames (`spark.sql`, `spark.table`, …), users rarely call this. */
  constructor(
    readonly client: SparkClient,
    readonly relation: RelationInit,
  ) {}

  /** Each Arrow record batch of the result as the server sends it, pulled on demand. */
  async *batches(options: QueryOptions = {}): AsyncGenerator<RecordBatch, void, undefined> {
    for await (const decoded of this.#ipcStreams(options)) yield* decoded.batches;
  }

  /** Each row as a plain object (see `arrow/rows.ts` for the value types), pulled on demand. */
  async *rows(options: QueryOptions = {}): AsyncGenerator<Row, void, undefined> {
    for await (const batch of this.batches(options)) yield* batchToRows(batch);
  }

  [Symbol.asyncIterator](): AsyncIterator<Row> {
    return this.rows();
  }

  /** The whole result as one apache-arrow Table (buffered in memory). */
  async toArrow(options: QueryOptions = {}): Promise<Table> {
    let schema: Schema | undefined;
    const batches: RecordBatch[] = [];
    for await (const decoded of this.#ipcStreams(options)) {
      schema ??= decoded.schema;
      batches.push(...decoded.batches);
    }
    if (!schema) throw new ProtocolError("the server sent no Arrow batch, not even an empty one");
    return tableFromBatches(schema, batches);
  }

  /** The whole result as plain rows (buffered in memory). */
  async collect(options: QueryOptions = {}): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of this.rows(options)) rows.push(row);
    return rows;
  }

  async count(options: QueryOptions = {}): Promise<bigint> {
    const [row] = await this.#derive(rel.countAll(this.relation)).collect(options);
    return row?.count as bigint;
  }

  /** The result's schema as Spark reports it (AnalyzePlan), without running the query. */
  schema(options: QueryOptions = {}): Promise<DataType> {
    return this.client.analyzeSchema(this.relation, options);
  }

  /** Spark's explanation of the plan (`mode`: simple, extended, codegen, cost or formatted). */
  explain(mode: "simple" | "extended" | "codegen" | "cost" | "formatted" = "simple", options: QueryOptions = {}) {
    return this.client.explain(this.relation, mode, options);
  }

  select(...columns: (string | ExpressionInit)[]): DataFrame {
    return this.#derive(
      rel.project(
        this.relation,
        columns.map((c) => (typeof c === "string" ? rel.column(c) : c)),
      ),
    );
  }

  /** Keep rows matching a structured expression, or a SQL condition string parsed by the server. */
  filter(condition: string | ExpressionInit): DataFrame {
    const expr = typeof condition === "string" ? rel.sqlExpression(condition) : condition;
    return this.#derive(rel.filter(this.relation, expr));
  }

  where(condition: string | ExpressionInit): DataFrame {
    return this.filter(condition);
  }

  /** Sort by columns: `orderBy("id")`, `orderBy({ name: "ingest_id", descending: true })`. */
  orderBy(...columns: (string | { name: string; descending?: boolean })[]): DataFrame {
    return this.#derive(
      rel.sort(
        this.relation,
        columns.map((c) => (typeof c === "string" ? { name: c } : c)),
      ),
    );
  }

  /** The distinct rows (Spark's `Deduplicate` on all columns). */
  distinct(): DataFrame {
    return this.#derive(rel.distinct(this.relation));
  }

  /**
   * This result read into a shape: a record class (`Order`), a part of one (`Order.pick("orderId", "total")`), or a
   * report's class. Its schema is checked against the shape before any row is read (see reads/typed-result.ts).
   * @example const totals = await (await spark.sql("SELECT order_id, total FROM orders")).into(Order.pick("orderId", "total")).collect();
   */
  into<T extends object>(shape: RecordShape<T>, options: IntoOptions = {}): TypedResult<T> {
    return new TypedResult(this, shape, options);
  }

  limit(n: number): DataFrame {
    return this.#derive(rel.limit(this.relation, n));
  }

  toDF(...columnNames: string[]): DataFrame {
    return this.#derive(rel.toDF(this.relation, columnNames));
  }

  withColumnsRenamed(renames: Readonly<Record<string, string>>): DataFrame {
    return this.#derive(rel.withColumnsRenamed(this.relation, renames));
  }

  /** Register the plan as a session-scoped temporary view. */
  async createOrReplaceTempView(name: string, options: QueryOptions = {}): Promise<void> {
    await this.client.executeCommand(
      {
        commandType: {
          case: "createDataframeView",
          value: { input: this.relation, name, isGlobal: false, replace: true },
        },
      },
      options,
    );
  }

  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }

  /** Write to a catalog table with Spark's V2 writer (create/replace/append/overwrite). */
  writeTo(table: string): DataFrameWriterV2 {
    return new DataFrameWriterV2(this, table);
  }

  #derive(relation: RelationInit): DataFrame {
    return new DataFrame(this.client, relation);
  }

  async *#ipcStreams(options: QueryOptions) {
    for await (const response of this.client.execute({ opType: { case: "root", value: this.relation } }, options)) {
      if (response.responseType.case === "arrowBatch") yield decodeIpcStream(response.responseType.value.data);
    }
  }
}
