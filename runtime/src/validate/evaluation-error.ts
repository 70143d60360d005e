/**
 * A rule that could not be evaluated on a value (bytes that are not UTF-8 under `bytes.pattern`, a CEL expression
 * that fails at run time): the record can be judged neither valid nor invalid. protovalidate's "runtime error".
 */
import { errorGuard, LakehouseError } from "../errors.js";

export class RuleEvaluationError extends LakehouseError {
  override name = "RuleEvaluationError";

  /** `code`: "cel_runtime" for a `CelRuntimeError`. */
  constructor(message: string, options?: { cause?: unknown; code?: "rule_evaluation" | "cel_runtime" }) {
    super(options?.code ?? "rule_evaluation", message, options);
  }
}

/** A rule that could not be evaluated (code "rule_evaluation"; also a `CelRuntimeError`, "cel_runtime"). */
export const isRuleEvaluationError = errorGuard<RuleEvaluationError>("rule_evaluation", "cel_runtime");
