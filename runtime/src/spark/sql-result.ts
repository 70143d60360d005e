/**
 * What `spark.sql(…)` returns: the promise of its DataFrame (the statement runs now, as pyspark's does), which can
 * also be read into a shape at once — `spark.sql(text, params).into(Order).collect()` — without awaiting the
 * DataFrame first. Its `then` gives plain promises (`Symbol.species`), so it is a `Promise<DataFrame>` in every other
 * respect.
 */
import type { RecordShape } from "../reads/shape.js";
import { type IntoOptions, TypedResult } from "../reads/typed-result.js";
import type { DataFrame } from "./dataframe.js";

export class SqlResult extends Promise<DataFrame> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** The promise `frame`, as a `SqlResult`. */
  static of(frame: Promise<DataFrame>): SqlResult {
    return new SqlResult((resolve, reject) => {
      frame.then(resolve, reject);
    });
  }

  /** The statement's result read into a shape (see `DataFrame.into`). */
  into<T extends object>(shape: RecordShape<T>, options: IntoOptions = {}): TypedResult<T> {
    return new TypedResult(
      this.then((df) => df),
      shape,
      options,
    );
  }
}
