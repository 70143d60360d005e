/**
 * Errors of the records runtime. Every problem with a value is an issue `{ path, message, value?, ruleId? }`, and an
 * error lists all of them (not just the first), like protovalidate's violations: an `IssuesError`, its list rendered
 * by `listProblems` (the one renderer of every error that lists problems). `value` is a short rendering of the
 * offending value, `[redacted]` for sensitive fields, so errors can be logged as they are.
 */
import { errorGuard, InvalidArgumentError, LakehouseError, type LakehouseErrorCode } from "../errors.js";
import { microsOfMilliOf } from "./precise-timestamp.js";

export const REDACTED = "[redacted]";

/** One problem with one value. */
export interface RecordIssue {
  /** Where the value is, e.g. `items[2].sku` (`[3].items[2].sku` for the fourth record of a batch). */
  readonly path: string;
  readonly message: string;
  /** The offending value, shortened; `[redacted]` for sensitive fields. */
  readonly value?: string;
  /** The id of the rule the value breaks (a validation violation's), e.g. `string.min_len`. */
  readonly ruleId?: string;
}

/** An issue of `decodeJson`. */
export type JsonDecodeIssue = RecordIssue;

/** The issues of one record of a batch: its position in the batch, and paths within the record. */
export interface RejectedRecord {
  /** Position of the record in the batch passed in. */
  readonly index: number;
  readonly issues: readonly RecordIssue[];
}

const MAX_LISTED = 10;
const MAX_VALUE_CHARS = 60;

/** `items[2].sku: must be at least 3 characters [string.min_len] (value: "ab")`. */
export function formatIssue(issue: RecordIssue): string {
  const where = issue.path === "" ? "(record)" : issue.path;
  const rule = issue.ruleId === undefined || issue.ruleId === "" ? "" : ` [${issue.ruleId}]`;
  return issue.value === undefined
    ? `${where}: ${issue.message}${rule}`
    : `${where}: ${issue.message}${rule} (value: ${issue.value})`;
}

/** How a list of problems is laid out in a message. */
export interface Listing {
  /** One item a line, indented (`head:\n  a\n  b`), rather than on the head's line (`head: a; b`). */
  readonly lines?: boolean;
  /** At most this many items are listed; the others are counted (`and 3 more`). Default: all. */
  readonly max?: number;
  /** What the uncounted items are (`and 3 more records`); default nothing. */
  readonly noun?: string;
}

/**
 * The one rendering of "N problems" in a message: `head: a; b; c; and 2 more`, or with `lines`
 * `head:\n  a\n  b\n  and 2 more`. Every error that lists problems uses it.
 */
export function listProblems(head: string, items: readonly string[], listing: Listing = {}): string {
  const max = listing.max ?? items.length;
  const listed = items.length > max ? items.slice(0, max) : [...items];
  if (items.length > max) listed.push(`and ${items.length - max} more${listing.noun ? ` ${listing.noun}` : ""}`);
  return listing.lines === true
    ? `${head}:${listed.map((item) => `\n  ${item}`).join("")}`
    : `${head}: ${listed.join("; ")}`;
}

/** The path of a record's issue in its batch: `[3].items[2].sku`, `[3]` for the record itself. */
export function batchPath(index: number, path: string): string {
  return path === "" ? `[${index}]` : `[${index}].${path}`;
}

/** A Date as `toISOString()` does, with a PreciseTimestamp's µs after the ms (`….123456Z`). */
function isoText(date: Date): string {
  const iso = date.toISOString();
  const micros = microsOfMilliOf(date);
  return micros === 0 ? iso : `${iso.slice(0, -1)}${String(micros).padStart(3, "0")}Z`;
}

/** A short, log-safe rendering of a value for an issue. */
export function renderValue(value: unknown, sensitive: boolean): string {
  if (sensitive) return REDACTED;
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "Invalid Date" : isoText(value);
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

/** Where an issue of a batch is: the record's position in the batch, and the path within it (`""`: the record). */
export interface BatchPath {
  readonly index: number;
  readonly path: string;
}

/** Collects the issues of a batch of records, each with the index of its record (`toArrow`). */
export class BatchIssueList {
  readonly #found: { readonly index: number; readonly issue: RecordIssue }[] = [];

  get length(): number {
    return this.#found.length;
  }

  add(at: BatchPath, message: string, ...value: [] | [value: unknown, sensitive: boolean]): void {
    const { index, path } = at;
    this.#found.push({
      index,
      issue: value.length === 0 ? { path, message } : { path, message, value: renderValue(value[0], value[1]) },
    });
  }

  /** The error of the issues found: in the order found (paths `[index].path`), and by record. */
  encodeError(typeName: string): RecordEncodeError {
    const byIndex = new Map<number, RecordIssue[]>();
    const issues = this.#found.map(({ index, issue }) => {
      const list = byIndex.get(index);
      if (list === undefined) byIndex.set(index, [issue]);
      else list.push(issue);
      return { ...issue, path: batchPath(index, issue.path) };
    });
    const rejects = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([index, list]) => ({ index, issues: list }));
    return new RecordEncodeError(typeName, issues, { rejects });
  }
}

/**
 * The base of errors that list every problem found, not just the first (like protovalidate's violations):
 * `issues`, each with its path, rendered into the message by `listProblems`.
 */
export abstract class IssuesError<I extends RecordIssue = RecordIssue> extends LakehouseError {
  readonly issues: readonly I[];

  /** `items` are the message's list (default: each issue by `formatIssue`). */
  protected constructor(
    code: LakehouseErrorCode,
    head: string,
    issues: readonly I[],
    listing: Listing & { readonly items?: readonly string[] } = {},
    options?: { cause?: unknown },
  ) {
    super(code, listProblems(head, listing.items ?? issues.map(formatIssue), listing), options);
    this.issues = issues;
  }
}

/**
 * Any error that lists issues: `ValidationError`, `RecordsRejectedError`, `RecordEncodeError`, `RecordDecodeError`,
 * `JsonDecodeError`.
 */
export const isIssuesError = errorGuard<IssuesError>(
  "validation",
  "records_rejected",
  "encode",
  "decode",
  "json_decode",
);

/**
 * Records that cannot be written: a value that does not fit its column, a wrong type, a missing NOT NULL value.
 * `issues` are in the order found; for a batch (`toArrow`, `toParquet`) their paths start with the record's index
 * (`[3].items[2].sku`), and `rejects` has the same issues by record, with paths within the record.
 */
export class RecordEncodeError extends IssuesError {
  override name = "RecordEncodeError";
  readonly typeName: string;
  /** The records of the batch that cannot be encoded, by index; undefined for one record (`encodeJson`). */
  readonly rejects: readonly RejectedRecord[] | undefined;

  constructor(typeName: string, issues: readonly RecordIssue[], options?: { rejects?: readonly RejectedRecord[] }) {
    super("encode", `cannot encode ${typeName}`, issues, { max: MAX_LISTED });
    this.typeName = typeName;
    this.rejects = options?.rejects;
  }
}

/** Column data that cannot be read back into records: a NULL in a NOT NULL field, an unknown enum value, bad JSON. */
export class RecordDecodeError extends IssuesError {
  override name = "RecordDecodeError";
  readonly typeName: string;

  constructor(typeName: string, issues: readonly RecordIssue[]) {
    super("decode", `cannot decode ${typeName}`, issues, { max: MAX_LISTED });
    this.typeName = typeName;
  }
}

/** Untrusted JSON that is not a valid proto3 JSON document of the record: every problem, with its path. */
export class JsonDecodeError extends IssuesError<JsonDecodeIssue> {
  override name = "JsonDecodeError";
  readonly typeName: string;

  constructor(typeName: string, issues: readonly JsonDecodeIssue[]) {
    super("json_decode", `invalid JSON for ${typeName}`, issues, { max: MAX_LISTED });
    this.typeName = typeName;
  }
}

/** An Arrow table whose columns are not the record's: a missing column, or a column of another type. */
export class SchemaMismatchError extends LakehouseError {
  override name = "SchemaMismatchError";
  readonly typeName: string;
  /** Column paths and what was wrong with them, e.g. `items.element.sku: expected Utf8, got Int32`. */
  readonly problems: readonly string[];

  constructor(typeName: string, problems: readonly string[]) {
    super("schema_mismatch", listProblems(`Arrow data does not match ${typeName}`, problems));
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "record_schema" });
  }
}

/** Records that cannot be written (code "encode"). */
export const isRecordEncodeError = errorGuard<RecordEncodeError>("encode");

/** Column data that cannot be read back into records (code "decode"). */
export const isRecordDecodeError = errorGuard<RecordDecodeError>("decode");

/** Untrusted JSON that is not a valid document of the record (code "json_decode"). */
export const isJsonDecodeError = errorGuard<JsonDecodeError>("json_decode");

/** Arrow data whose columns are not the record's (code "schema_mismatch"). */
export const isSchemaMismatchError = errorGuard<SchemaMismatchError>("schema_mismatch");

/** A descriptor that cannot become a table (code "record_schema"). */
export const isRecordSchemaError = errorGuard<RecordSchemaError>("record_schema");
