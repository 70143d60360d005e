/** The validator of a record whose rules could not be compiled (generated with `invalid_rules=throw`). */
import { LakehouseError } from "../errors.js";

export class InvalidRulesError extends LakehouseError {
  override name = "InvalidRulesError";
  readonly typeName: string;
  readonly problems: readonly string[];

  constructor(typeName: string, problems: readonly string[]) {
    super("invalid_argument", `the validation rules of ${typeName} are invalid: ${problems.join("; ")}`);
    this.typeName = typeName;
    this.problems = problems;
  }
}
