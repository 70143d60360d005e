/**
 * A query's result read into a shape (`df.into(Order)`, `(await spark.sql(text, params)).into(Report)`): the result's
 * schema is asked of the server (AnalyzePlan, before the query runs) and checked against the shape — one
 * `ResultShapeMismatchError` listing every difference, before a row is read — then rows are decoded by the tables'
 * exact decoders, buffered (`collect`) or streamed with back-pressure (`stream`, one Arrow batch at a time).
 */
import { Table } from "apache-arrow";
import { quoteIdentifier } from "../records/sql-text.js";
import type { DataFrame, QueryOptions } from "../spark/dataframe.js";
import { ResultShapeMismatchError } from "./errors.js";
import { diffResultSchema, type ResultSchemaOptions } from "./result-schema.js";
import type { RecordShape } from "./shape.js";

export type IntoOptions = ResultSchemaOptions;

export class TypedResult<T extends object> implements AsyncIterable<T> {
  /** The result's DataFrame, or its promise (`spark.sql(…).into(…)`: the statement is still being run). */
  readonly #frame: DataFrame | Promise<DataFrame>;
  readonly #shape: RecordShape<T>;
  readonly #options: IntoOptions;

  constructor(frame: DataFrame | Promise<DataFrame>, shape: RecordShape<T>, options: IntoOptions = {}) {
    this.#frame = frame;
    // Seen when the result is read; until then a failed statement is not an unhandled rejection.
    if (frame instanceof Promise) frame.catch(() => {});
    this.#shape = shape;
    this.#options = options;
  }

  /** Throws `ResultShapeMismatchError` when the result does not fit the shape (the query does not run). */
  async check(options: QueryOptions = {}): Promise<void> {
    const frame = await this.#frame;
    const differences = diffResultSchema(this.#shape.descriptor, await frame.schema(options), this.#options);
    if (differences.length > 0) throw new ResultShapeMismatchError(this.#shape.descriptor.typeName, differences);
  }

  /** Every row, decoded into the shape (buffered: the whole result is in memory). */
  async collect(options: QueryOptions = {}): Promise<T[]> {
    await this.check(options);
    return this.#shape.fromArrow(await (await this.#read()).toArrow(options));
  }

  /** Each row, decoded into the shape one Arrow batch at a time as the server sends them (constant memory). */
  async *stream(options: QueryOptions = {}): AsyncGenerator<T, void, undefined> {
    await this.check(options);
    const frame = await this.#read();
    for await (const batch of frame.batches(options)) yield* this.#shape.fromArrow(new Table([batch]));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.stream();
  }

  /** The plan to run: with extra columns ignored, only the shape's columns are sent (and, where Spark can, read). */
  async #read(): Promise<DataFrame> {
    const frame = await this.#frame;
    if (this.#options.extraColumns !== "ignore") return frame;
    return frame.select(...this.#shape.descriptor.fields.map((f) => quoteIdentifier(f.column)));
  }
}
