/** The error of an invalid record: every violation, one a line. */
import { LakehouseError } from "../errors.js";
import { formatViolation, type Violation } from "./violation.js";

const MAX_LISTED = 20;

export class ValidationError extends LakehouseError {
  override name = "ValidationError";
  readonly typeName: string;
  readonly violations: readonly Violation[];

  constructor(typeName: string, violations: readonly Violation[]) {
    const listed = violations.slice(0, MAX_LISTED).map((v) => `\n  ${formatViolation(v)}`);
    const more = violations.length > MAX_LISTED ? `\n  and ${violations.length - MAX_LISTED} more` : "";
    super("validation", `invalid ${typeName}:${listed.join("")}${more}`);
    this.typeName = typeName;
    this.violations = violations;
  }
}

/** What `validate` returns: it never throws for an invalid record. */
export type ValidationResult =
  | { readonly kind: "valid" }
  | { readonly kind: "invalid"; readonly error: ValidationError };

/** The result of a record's violations. */
export function validationResult(typeName: string, violations: readonly Violation[]): ValidationResult {
  return violations.length === 0 ? VALID : { kind: "invalid", error: new ValidationError(typeName, violations) };
}

const VALID: ValidationResult = { kind: "valid" };

/** Throws the `ValidationError` of a record's violations, if there are any. */
export function assertNoViolations(typeName: string, violations: readonly Violation[]): void {
  if (violations.length > 0) throw new ValidationError(typeName, violations);
}
