/**
 * Errors of the records runtime. Every problem with a value is an issue `{ path, message, value? }`, and an error
 * lists all of them (not just the first), like protovalidate's violations. `value` is a short rendering of the
 * offending value, `[redacted]` for sensitive fields, so errors can be logged as they are.
 */
import { InvalidArgumentError, LakehouseError } from "../errors.js";

export const REDACTED = "[redacted]";

/** One problem with one value. */
export interface RecordIssue {
  /** Where the value is, e.g. `items[2].sku` (`[3].items[2].sku` for the fourth record of a batch). */
  readonly path: string;
  readonly message: string;
  /** The offending value, shortened; `[redacted]` for sensitive fields. */
  readonly value?: string;
}

/** An issue of `decodeJson`. */
export type JsonDecodeIssue = RecordIssue;

const MAX_LISTED = 10;
const MAX_VALUE_CHARS = 60;

/** `items[2].sku: must be a string (value: 5)`. */
export function formatIssue(issue: RecordIssue): string {
  const where = issue.path === "" ? "(record)" : issue.path;
  return issue.value === undefined
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.message} (value: ${issue.value})`;
}

function summarize(head: string, issues: readonly RecordIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED).map(formatIssue).join("; ");
  const more = issues.length > MAX_LISTED ? `; and ${issues.length - MAX_LISTED} more` : "";
  return `${head}: ${listed}${more}`;
}

/** A short, log-safe rendering of a value for an issue. */
export function renderValue(value: unknown, sensitive: boolean): string {
  if (sensitive) return REDACTED;
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  else if (value instanceof Uint8Array) text = `Uint8Array(${value.length})`;
  else if (value instanceof Map) text = `Map(${value.size})`;
  else if (Array.isArray(value)) text = `array(${value.length})`;
  else if (typeof value === "object" && value !== null) text = "object";
  else text = String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Collects issues while a whole batch or document is checked. */
export class IssueList {
  readonly issues: RecordIssue[] = [];

  get length(): number {
    return this.issues.length;
  }

  add(path: string, message: string, ...value: [] | [value: unknown, sensitive: boolean]): void {
    this.issues.push(
      value.length === 0 ? { path, message } : { path, message, value: renderValue(value[0], value[1]) },
    );
  }
}

/** Records that cannot be written: a value that does not fit its column, a wrong type, a missing NOT NULL value. */
export class RecordEncodeError extends LakehouseError {
  override name = "RecordEncodeError";
  readonly typeName: string;
  readonly issues: readonly RecordIssue[];

  constructor(typeName: string, issues: readonly RecordIssue[]) {
    super("encode", summarize(`cannot encode ${typeName}`, issues));
    this.typeName = typeName;
    this.issues = issues;
  }
}

/** Column data that cannot be read back into records: a NULL in a NOT NULL field, an unknown enum value, bad JSON. */
export class RecordDecodeError extends LakehouseError {
  override name = "RecordDecodeError";
  readonly typeName: string;
  readonly issues: readonly RecordIssue[];

  constructor(typeName: string, issues: readonly RecordIssue[]) {
    super("decode", summarize(`cannot decode ${typeName}`, issues));
    this.typeName = typeName;
    this.issues = issues;
  }
}

/** Untrusted JSON that is not a valid proto3 JSON document of the record: every problem, with its path. */
export class JsonDecodeError extends LakehouseError {
  override name = "JsonDecodeError";
  readonly typeName: string;
  readonly issues: readonly JsonDecodeIssue[];

  constructor(typeName: string, issues: readonly JsonDecodeIssue[]) {
    super("decode", summarize(`invalid JSON for ${typeName}`, issues));
    this.typeName = typeName;
    this.issues = issues;
  }
}

/** An Arrow table whose columns are not the record's: a missing column, or a column of another type. */
export class SchemaMismatchError extends LakehouseError {
  override name = "SchemaMismatchError";
  readonly typeName: string;
  /** Column paths and what was wrong with them, e.g. `items.element.sku: expected Utf8, got Int32`. */
  readonly problems: readonly string[];

  constructor(typeName: string, problems: readonly string[]) {
    super("schema_mismatch", `Arrow data does not match ${typeName}: ${problems.join("; ")}`);
    this.typeName = typeName;
    this.problems = problems;
  }
}

/**
 * A descriptor that cannot become a table: a recursive message used as a column, DECIMAL(40,2), a float map key,
 * two columns with the same name. The generator rejects these too; this guards hand-written descriptors.
 */
export class RecordSchemaError extends InvalidArgumentError {
  override name = "RecordSchemaError";
}
