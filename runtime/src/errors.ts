/**
 * One error hierarchy for everything the runtime throws. Every class has a `code` of its own (a subclass whose code
 * differs from its parent's still passes its parent's guard), and a guard `isXxxError(value)` that reads the brand and
 * the code, never `instanceof`, so that it holds for an error made by another copy of this package (two versions in
 * one `node_modules`, a bundled copy). The runtime itself branches on these guards only. Spark's own errors keep
 * their error class and SQLSTATE. Messages never carry gRPC stacks or credentials.
 *
 * | class | code | guard |
 * | --- | --- | --- |
 * | `SparkError` | spark | `isSparkError` (also conflict) |
 * | `DeltaConflictError` | conflict | `isDeltaConflictError` |
 * | `ConstraintViolationError` | constraint_violation | `isConstraintViolationError` |
 * | `ConnectionError` | connection | `isConnectionError` |
 * | `AuthError` | auth | `isAuthError` |
 * | `CancelledError` | cancelled | `isCancelledError` (also timeout) |
 * | `TimeoutError` | timeout | `isTimeoutError` |
 * | `WriteCancelledError` | cancelled or timeout, as its cause | `isWriteCancelledError` |
 * | `ConnectionStringError` | connection_string | `isConnectionStringError` |
 * | `InvalidArgumentError` | invalid_argument | `isInvalidArgumentError` (also record_schema) |
 * | `RecordSchemaError` | record_schema | `isRecordSchemaError` |
 * | `ProtocolError` | protocol | `isProtocolError` |
 * | `IdempotencyConflictError` | idempotency_conflict | `isIdempotencyConflictError` |
 * | `RecordsRejectedError` | records_rejected | `isRecordsRejectedError` |
 * | `TableSchemaMismatchError` | table_schema_mismatch | `isTableSchemaMismatchError` |
 * | `ResultShapeMismatchError` | result_shape_mismatch | `isResultShapeMismatchError` |
 * | `RecordEncodeError` | encode | `isRecordEncodeError` |
 * | `RecordDecodeError` | decode | `isRecordDecodeError` |
 * | `JsonDecodeError` | json_decode | `isJsonDecodeError` |
 * | `SchemaMismatchError` | schema_mismatch | `isSchemaMismatchError` |
 * | `ValidationError` | validation | `isValidationError` |
 * | `RuleEvaluationError` | rule_evaluation | `isRuleEvaluationError` (also cel_runtime) |
 * | `CelRuntimeError` | cel_runtime | `isCelRuntimeError` |
 * | `InvalidRulesError` | invalid_rules | `isInvalidRulesError` |
 *
 * A guard trusts the code: it is what survives a second copy of the package, and what stays stable across its
 * versions. (So `new LakehouseError("spark", …)` passes `isSparkError`: throw the subclass instead.) Errors that list
 * problems (validation, encoding, decoding, a rejected batch) extend `IssuesError` (`isIssuesError`) and render their
 * list one way (`listProblems` in records/errors.ts).
 */

export type LakehouseErrorCode =
  | "spark"
  | "conflict"
  | "constraint_violation"
  | "idempotency_conflict"
  | "timeout"
  | "connection"
  | "auth"
  | "cancelled"
  | "invalid_argument"
  | "connection_string"
  | "protocol"
  | "records_rejected"
  | "table_schema_mismatch"
  | "result_shape_mismatch"
  | "encode"
  | "decode"
  | "json_decode"
  | "schema_mismatch"
  | "record_schema"
  | "validation"
  | "rule_evaluation"
  | "cel_runtime"
  | "invalid_rules"
  | "queue_full"
  | "writer_closed"
  | "object_store";

const BRAND = Symbol.for("@lakehouse-contracts/runtime/LakehouseError");

/**
 * The root of the runtime's errors: a `code` per class, the `cause` kept.
 *
 * The code and the message: connect-es's `ConnectError` prefixes its `message` with the code
 * (`[not_found] no such table`) and keeps the text without it as `rawMessage`
 * (https://github.com/connectrpc/connect-es/blob/main/packages/connect/src/connect-error.ts). Here `message` stays
 * the text alone: it is what callers log and match on (often anchored, `/^cannot encode/`), and what the CLI prints
 * after `lakehouse: `, so a prefix there would change every line they rely on. The code is in the prefix where
 * connect-es's ends up once an error becomes text: `String(error)` is `AuthError: [auth] token request failed`, as
 * `String(connectError)` is `ConnectError: [unauthenticated] …`. `rawMessage` is the same text as `message`, for
 * code written against connect-es's shape. (Stack traces keep V8's `Name: message` header; Node's `inspect` prints
 * the `code` property after them.)
 */
export class LakehouseError extends Error {
  override name = "LakehouseError";
  readonly code: LakehouseErrorCode;
  /** Brand read by the `is…` guards, so they work across two copies of this package. */
  readonly [BRAND] = true;

  constructor(code: LakehouseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** The message without the code (connect-es's `rawMessage`); here the same text as `message`. */
  get rawMessage(): string {
    return this.message;
  }

  /** `Name: [code] message`, as connect-es's `ConnectError` prints. */
  override toString(): string {
    return `${this.name}: [${this.code}] ${this.message}`;
  }
}

/**
 * The guard of a class: a branded error whose code is one its class or a subclass carries. Not `instanceof`, which
 * fails for an error made by another copy of this package.
 * @internal
 */
export function errorGuard<T extends LakehouseError>(
  ...codes: readonly LakehouseErrorCode[]
): (value: unknown) => value is T {
  return (value: unknown): value is T => isLakehouseError(value) && codes.includes(value.code);
}

export interface SparkErrorDetails {
  /** Spark's error class, e.g. `TABLE_OR_VIEW_NOT_FOUND`; undefined for errors that have none. */
  errorClass?: string | undefined;
  /** Five-character SQLSTATE, e.g. `42P01`. */
  sqlState?: string | undefined;
  /** The message parameters Spark reported, by name. */
  messageParameters?: Readonly<Record<string, string>>;
  /** Server-side id of the error, used to fetch its details (`FetchErrorDetails`). */
  errorId?: string | undefined;
  /** The gRPC status code name, e.g. `INTERNAL`. */
  grpcCode?: string | undefined;
}

/** An error the Spark server reported: analysis errors, runtime failures, Delta conflicts. */
export class SparkError extends LakehouseError {
  override name = "SparkError";
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Readonly<Record<string, string>>;
  readonly errorId: string | undefined;
  readonly grpcCode: string | undefined;

  constructor(
    message: string,
    details: SparkErrorDetails = {},
    options?: { cause?: unknown; code?: "spark" | "conflict" | "constraint_violation" },
  ) {
    super(options?.code ?? "spark", message, options);
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState;
    this.messageParameters = details.messageParameters ?? {};
    this.errorId = details.errorId;
    this.grpcCode = details.grpcCode;
  }
}

/**
 * Delta refused a commit because another transaction changed the table first (`DELTA_CONCURRENT_APPEND`,
 * `DELTA_CONCURRENT_DELETE_READ`, `DELTA_METADATA_CHANGED`, …; Delta's `ConcurrentModificationException` family).
 * Nothing of the refused transaction was committed, so running it again is safe; the runtime does so for operations
 * it knows to be repeatable (an idempotent append, a MERGE or DELETE by key).
 */
export class DeltaConflictError extends SparkError {
  override name = "DeltaConflictError";
  constructor(message: string, details: SparkErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, details, { ...options, code: "conflict" });
  }
}

/** What Delta says of a row its CHECK constraint refused, and what the contract says of that constraint. */
export interface ConstraintViolation {
  /** The constraint's name (`lines_quantity_uint32_gt`). */
  readonly constraint: string;
  /** Its expression, as Delta prints it. */
  readonly expression?: string | undefined;
  /** The field the constraint checks (a dotted path), when the contract's table descriptor names it. */
  readonly field?: string | undefined;
  /** protovalidate's rule id (`uint32.gt`), when the contract's table descriptor names it. */
  readonly ruleId?: string | undefined;
  /** The refused row's values of the columns the constraint reads, by path, as Spark printed them (or redacted). */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Delta refused a write because a row violates a CHECK constraint of the table
 * (`DELTA_VIOLATE_CONSTRAINT_WITH_VALUES`): the table enforcing the contract's rules against a writer that did not
 * check them, or a table whose rules are stricter than the client's. Nothing was written. A `RecordTable` names the
 * field and rule id (the constraint is its table descriptor's) and redacts the values of sensitive fields, in the
 * message and in `values`; from a plain `SparkSession.sql` only the constraint's name and Spark's values are known.
 * The message reads as a client-side violation does: `lines.quantity: violates the table's CHECK constraint
 * lines_quantity_uint32_gt (value: 0) [uint32.gt]`.
 */
export class ConstraintViolationError extends SparkError implements ConstraintViolation {
  override name = "ConstraintViolationError";
  readonly constraint: string;
  readonly expression: string | undefined;
  readonly field: string | undefined;
  readonly ruleId: string | undefined;
  readonly values: Readonly<Record<string, string>>;

  constructor(
    message: string,
    details: SparkErrorDetails,
    violation: ConstraintViolation,
    options?: { cause?: unknown },
  ) {
    super(message, details, { ...options, code: "constraint_violation" });
    this.constraint = violation.constraint;
    this.expression = violation.expression;
    this.field = violation.field;
    this.ruleId = violation.ruleId;
    this.values = violation.values;
  }
}

/** `DELTA_VIOLATE_CONSTRAINT_WITH_VALUES`'s `values` parameter (` - s.a : x` lines) by path. */
export function constraintValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? "").split("\n")) {
    const m = /^\s*-\s(.+?) : (.*)$/.exec(line);
    if (m !== null) out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** Delta's concurrent-modification error classes (io.delta's `ConcurrentModificationException` subclasses). */
const DELTA_CONFLICT_CLASS = /^DELTA_(CONCURRENT_[A-Z_]+|METADATA_CHANGED|PROTOCOL_CHANGED)(\.|$)/;

export function isDeltaConflictClass(errorClass: string | undefined): boolean {
  return errorClass !== undefined && DELTA_CONFLICT_CLASS.test(errorClass);
}

/** The server could not be reached, or the connection broke and retries were exhausted. */
export class ConnectionError extends LakehouseError {
  override name = "ConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("connection", message, options);
  }
}

/** The server refused the credentials (or required some and got none). */
export class AuthError extends LakehouseError {
  override name = "AuthError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("auth", message, options);
  }
}

/** The operation was cancelled through its AbortSignal (and interrupted on the server). */
export class CancelledError extends LakehouseError {
  override name = "CancelledError";
  /**
   * The server reported how the interrupted operation ended before this error was thrown (operations that settle
   * on abort, such as table writes), so what it did is known; false when the client stopped waiting at once.
   */
  readonly settled: boolean;

  constructor(
    message = "the operation was cancelled",
    options?: { cause?: unknown; code?: "cancelled" | "timeout"; settled?: boolean },
  ) {
    super(options?.code ?? "cancelled", message, options);
    this.settled = options?.settled ?? false;
  }
}

/**
 * The call's AbortSignal timed out (`signal: AbortSignal.timeout(ms)`, a deadline for the whole call): a
 * `CancelledError` whose code is "timeout".
 */
export class TimeoutError extends CancelledError {
  override name = "TimeoutError";
  constructor(message = "the operation timed out", options?: { cause?: unknown; settled?: boolean }) {
    super(message, { ...options, code: "timeout" });
  }
}

/** The error for an aborted `signal`: `TimeoutError` when it timed out, else `CancelledError`. */
export function abortError(signal: AbortSignal | undefined, settled = false): CancelledError {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new TimeoutError("the operation timed out (its signal's deadline passed)", { cause: reason, settled });
  }
  return new CancelledError("the operation was aborted", { cause: reason, settled });
}

/** A `sc://` connection string that does not follow Spark's spec. Never contains the token. */
export class ConnectionStringError extends LakehouseError {
  override name = "ConnectionStringError";
  constructor(message: string) {
    super("connection_string", message);
  }
}

/** A value or option the caller passed that cannot be used. */
export class InvalidArgumentError extends LakehouseError {
  override name = "InvalidArgumentError";
  /** `code`: "record_schema" for a `RecordSchemaError`. */
  constructor(message: string, options?: { cause?: unknown; code?: "invalid_argument" | "record_schema" }) {
    super(options?.code ?? "invalid_argument", message, options);
  }
}

/** The server answered something this client does not understand. */
export class ProtocolError extends LakehouseError {
  override name = "ProtocolError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("protocol", message, options);
  }
}

/** Any error of this runtime (of any copy of this package). */
export function isLakehouseError(value: unknown): value is LakehouseError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Errors the Spark server reported, Delta conflicts included (codes "spark" and "conflict"). */
export const isSparkError = errorGuard<SparkError>("spark", "conflict", "constraint_violation");

/** A row refused by a Delta CHECK constraint of the table (code "constraint_violation"). */
export const isConstraintViolationError = errorGuard<ConstraintViolationError>("constraint_violation");

/** A Delta commit refused because another transaction changed the table first (code "conflict"). */
export const isDeltaConflictError = errorGuard<DeltaConflictError>("conflict");

/** The server could not be reached, or the connection broke and retries were exhausted (code "connection"). */
export const isConnectionError = errorGuard<ConnectionError>("connection");

/** The server refused the credentials (code "auth"). */
export const isAuthError = errorGuard<AuthError>("auth");

/**
 * A cancelled operation, timeouts included (codes "cancelled" and "timeout"): `CancelledError`, `TimeoutError`,
 * `WriteCancelledError`.
 */
export const isCancelledError = errorGuard<CancelledError>("cancelled", "timeout");

/**
 * A cancellation because a deadline passed (code "timeout"): a `TimeoutError`, or a `WriteCancelledError` whose
 * signal timed out (its code is its cause's).
 */
export const isTimeoutError = errorGuard<TimeoutError>("timeout");

/** A `sc://` connection string that does not follow Spark's spec (code "connection_string"). */
export const isConnectionStringError = errorGuard<ConnectionStringError>("connection_string");

/** A value or option the caller passed that cannot be used (code "invalid_argument"; also a `RecordSchemaError`). */
export const isInvalidArgumentError = errorGuard<InvalidArgumentError>("invalid_argument", "record_schema");

/** The server answered something this client does not understand (code "protocol"). */
export const isProtocolError = errorGuard<ProtocolError>("protocol");
