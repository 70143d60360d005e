/** The validator of a record whose rules could not be compiled (generated with `invalid_rules=throw`). */
import { errorGuard, LakehouseError } from "../errors.js";
import { listProblems } from "../records/errors.js";

export class InvalidRulesError extends LakehouseError {
  override name = "InvalidRulesError";
  readonly typeName: string;
  readonly problems: readonly string[];

  constructor(typeName: string, problems: readonly string[]) {
    super("invalid_rules", listProblems(`the validation rules of ${typeName} are invalid`, problems));
    this.typeName = typeName;
    this.problems = problems;
  }
}

/** The validator of a record whose rules could not be compiled (code "invalid_rules"). */
export const isInvalidRulesError = errorGuard<InvalidRulesError>("invalid_rules");
