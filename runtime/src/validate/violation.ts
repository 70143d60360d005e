/**
 * protovalidate's violation model, as strings: `path` is the field path protovalidate prints (`items[2].sku`,
 * `labels["env"]`), `rule` the path into the field's rules (`string.min_len`, `repeated.items.string.min_len`,
 * `cel[0]`, `required`), `ruleId` the rule's id and `message` its exact message text.
 */
import { type RecordIssue, renderValue } from "../records/errors.js";

export interface Violation extends RecordIssue {
  /** The rule's id, e.g. `string.min_len`; the key to translate `message` by. */
  readonly ruleId: string;
  /** Path into the rules of the field (or message), e.g. `repeated.items.string.min_len` or `cel[0]`. */
  readonly rule: string;
  /** True when the violation is about a map key rather than its value. */
  readonly forKey?: boolean;
}

/** `items[2].sku: must be at least 3 characters [string.min_len]`. */
export function formatViolation(v: Violation): string {
  const where = v.path === "" ? "" : `${v.path}: `;
  return `${where}${v.message}${v.ruleId === "" ? "" : ` [${v.ruleId}]`}`;
}

/** Options of `check` and `validate`. */
export interface ValidateOptions {
  /** Stop at the first violation. */
  readonly failFast?: boolean;
}

/** Thrown by `Violations.add` under `failFast` to unwind to `check`. */
const STOP = Symbol("failFast");

/**
 * What generated validators append to. A path prefix `at` is `""` or ends with `.` (`lines[2].`), so a field path is
 * `at + name` without branching.
 */
export class Violations {
  readonly list: Violation[] = [];
  private readonly failFast: boolean;

  constructor(options?: ValidateOptions) {
    this.failFast = options?.failFast === true;
  }

  /** Records a violation; `value` is rendered (redacted when `sensitive`). */
  add(path: string, rule: string, ruleId: string, message: string, value?: unknown, sensitive = false): void {
    // Two literal shapes rather than a spread: violations are built on the hot path of invalid batches.
    this.list.push(
      value === undefined
        ? { path, rule, ruleId, message }
        : { path, rule, ruleId, message, value: renderValue(value, sensitive) },
    );
    if (this.failFast) throw STOP;
  }

  /** Like `add`, for a violation of a map key. */
  addKey(path: string, rule: string, ruleId: string, message: string, value?: unknown, sensitive = false): void {
    this.list.push(
      value === undefined
        ? { path, rule, ruleId, message, forKey: true }
        : { path, rule, ruleId, message, forKey: true, value: renderValue(value, sensitive) },
    );
    if (this.failFast) throw STOP;
  }

  /**
   * The violations of `record`, checked by a generated `checkAt` from the root (`at` = ""); without `failFast`
   * there is nothing to unwind, so no try/catch and no closure on the way. A rule that cannot be evaluated throws
   * its `RuleEvaluationError` through: it is no violation (`validationResult` makes it `{ kind: "error" }`).
   */
  static collect<R>(
    options: ValidateOptions | undefined,
    checkAt: (v: Violations, record: R, at: string) => void,
    record: R,
  ): Violation[] {
    const v = new Violations(options);
    if (!v.failFast) {
      checkAt(v, record, "");
      return v.list;
    }
    try {
      checkAt(v, record, "");
    } catch (e) {
      if (e !== STOP) throw e;
    }
    return v.list;
  }
}

/** The path of a list element or map value: `items[2]`, `labels["env"]`, `flags[true]`, `ids[7]`. */
export function subscript(at: string, key: string | number | bigint | boolean): string {
  return typeof key === "string" ? `${at}[${JSON.stringify(key)}]` : `${at}[${key}]`;
}
