/** The error of a typed read whose result does not fit its shape. */
import { errorGuard, LakehouseError } from "../errors.js";
import { listProblems } from "../records/errors.js";

/**
 * A query result that does not fit the shape it is read into (code "result_shape_mismatch"): every difference by
 * column (missing, retyped, nullable into a required field, extra), found from the result's schema before any row
 * was read or decoded.
 */
export class ResultShapeMismatchError extends LakehouseError {
  override name = "ResultShapeMismatchError";
  /** The shape's record type, e.g. `shop.v1.Order`. */
  readonly typeName: string;
  /** One line per difference, e.g. `total: the result has decimal(28,2), the shape wants decimal(18,2)`. */
  readonly differences: readonly string[];

  constructor(typeName: string, differences: readonly string[]) {
    super(
      "result_shape_mismatch",
      listProblems(`the query's result does not fit ${typeName}`, differences, { lines: true }),
    );
    this.typeName = typeName;
    this.differences = differences;
  }
}

/** A query result that does not fit its shape (code "result_shape_mismatch"). */
export const isResultShapeMismatchError = errorGuard<ResultShapeMismatchError>("result_shape_mismatch");
