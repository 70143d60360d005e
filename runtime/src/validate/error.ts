/** The error of an invalid record (every violation, one a line), and what `validate` returns. */
import { errorGuard } from "../errors.js";
import { IssuesError } from "../records/errors.js";
import { isRuleEvaluationError, RuleEvaluationError } from "./evaluation-error.js";
import { type InvalidRulesError, isInvalidRulesError } from "./invalid-rules.js";
import { formatViolation, type Violation } from "./violation.js";

const MAX_LISTED = 20;

/** A record that breaks its rules: every violation (`issues`, also as `violations`), one a line in the message. */
export class ValidationError extends IssuesError<Violation> {
  override name = "ValidationError";
  readonly typeName: string;

  constructor(typeName: string, violations: readonly Violation[]) {
    super("validation", `invalid ${typeName}`, violations, {
      lines: true,
      max: MAX_LISTED,
      items: violations.map(formatViolation),
    });
    this.typeName = typeName;
  }

  /** The violations (the same list as `issues`). */
  get violations(): readonly Violation[] {
    return this.issues;
  }
}

/** An invalid record (code "validation"). */
export const isValidationError = errorGuard<ValidationError>("validation");

/**
 * What `validate` returns; it never throws. `invalid`: the record breaks rules (every violation in the error);
 * `error`: a rule could not be evaluated on it (protovalidate's runtime error, e.g. a CEL division by zero), or the
 * rules themselves are invalid (generated with `invalid_rules=throw`), so it is neither valid nor invalid.
 */
export type ValidationResult =
  | { readonly kind: "valid" }
  | { readonly kind: "invalid"; readonly error: ValidationError }
  | { readonly kind: "error"; readonly error: RuleEvaluationError | InvalidRulesError };

/**
 * The result of a record's violations. Generated `validate` methods pass `check` as a function, so that a rule that
 * cannot be evaluated gives `{ kind: "error" }` rather than an exception (as protovalidate-es's `validate` does);
 * given the list itself (as generated code did before), there is nothing to catch.
 */
export function validationResult(
  typeName: string,
  violations: readonly Violation[] | (() => readonly Violation[]),
): ValidationResult {
  let list: readonly Violation[];
  if (typeof violations === "function") {
    try {
      list = violations();
    } catch (e) {
      return { kind: "error", error: evaluationError(e) };
    }
  } else {
    list = violations;
  }
  return list.length === 0 ? VALID : { kind: "invalid", error: new ValidationError(typeName, list) };
}

const VALID: ValidationResult = { kind: "valid" };

/** What a `check` threw, as the error of `{ kind: "error" }`; anything unexpected is wrapped, as protovalidate-es does. */
function evaluationError(e: unknown): RuleEvaluationError | InvalidRulesError {
  if (isRuleEvaluationError(e) || isInvalidRulesError(e)) return e;
  return new RuleEvaluationError(`unexpected error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** Throws the `ValidationError` of a record's violations, if there are any. */
export function assertNoViolations(typeName: string, violations: readonly Violation[]): void {
  if (violations.length > 0) throw new ValidationError(typeName, violations);
}
