/**
 * One error hierarchy for everything the runtime throws. Every error has a stable `code`; Spark's own errors keep
 * their error class and SQLSTATE. Messages never carry gRPC stacks or credentials.
 */

export type LakehouseErrorCode =
  | "spark"
  | "conflict"
  | "idempotency_conflict"
  | "timeout"
  | "connection"
  | "auth"
  | "cancelled"
  | "invalid_argument"
  | "connection_string"
  | "protocol"
  | "validation"
  | "decode"
  | "schema_mismatch"
  | "encode";

const BRAND = Symbol.for("@lakehouse-contracts/runtime/LakehouseError");

export class LakehouseError extends Error {
  override name = "LakehouseError";
  readonly code: LakehouseErrorCode;
  /** Brand read by the `is…` guards, so they work across two copies of this package. */
  readonly [BRAND] = true;

  constructor(code: LakehouseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
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
    options?: { cause?: unknown; code?: "spark" | "conflict" },
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
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid_argument", message, options);
  }
}

/** The server answered something this client does not understand. */
export class ProtocolError extends LakehouseError {
  override name = "ProtocolError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("protocol", message, options);
  }
}

export function isLakehouseError(value: unknown): value is LakehouseError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Errors the Spark server reported, Delta conflicts included. */
export function isSparkError(value: unknown): value is SparkError {
  return isLakehouseError(value) && (value.code === "spark" || value.code === "conflict");
}

export function isDeltaConflictError(value: unknown): value is DeltaConflictError {
  return isLakehouseError(value) && value.code === "conflict";
}
