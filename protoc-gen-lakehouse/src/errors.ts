/**
 * Contract errors: options that contradict the contract or each other. (Unknown plugin parameters are reported by
 * protoplugin as its PluginOptionError, from the reason parseLakehouseOptions throws.)
 */

/** Where in a contract a problem is: the .proto file, and the message and field when there are. */
export interface ProblemLocation {
  /** The .proto file, as buf names it (e.g. `shop/v1/order.proto`). */
  readonly file: string;
  /** Fully-qualified message name, e.g. `shop.v1.Order`. */
  readonly message?: string;
  /** The field's proto name. */
  readonly field?: string;
}

export interface Problem extends ProblemLocation {
  /** What is wrong, without the location (e.g. `partition column "day" does not exist`). */
  readonly text: string;
}

/** `shop/v1/order.proto: message shop.v1.Order: field total: decimal precision must be 1 to 38, got 40`. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file];
  if (problem.message !== undefined) where.push(`message ${problem.message}`);
  if (problem.field !== undefined) where.push(`field ${problem.field}`);
  return `${where.join(": ")}: ${problem.text}`;
}

/**
 * A contract the plugin cannot turn into record classes. Carries every problem found in the request, not just the
 * first, so one `buf generate` run shows them all; the message lists them one a line.
 */
export class GenerationError extends Error {
  override readonly name = "GenerationError";
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `${problems.length} problems:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`,
    );
    this.problems = problems;
  }
}
