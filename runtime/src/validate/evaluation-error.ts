/**
 * A rule that could not be evaluated on a value (bytes that are not UTF-8 under `bytes.pattern`, a CEL expression
 * that fails at run time): the record can be judged neither valid nor invalid. protovalidate's "runtime error".
 */
import { LakehouseError } from "../errors.js";

export class RuleEvaluationError extends LakehouseError {
  override name = "RuleEvaluationError";

  constructor(message: string, options?: { cause?: unknown }) {
    super("validation", message, options);
  }
}
