/**
 * One error hierarchy for everything the runtime throws. Every error has a stable `code`; Spark's own errors keep
 * their error class and SQLSTATE. Messages never carry gRPC stacks or credentials.
 */

export type LakehouseErrorCode =
  | "spark"
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

  constructor(message: string, details: SparkErrorDetails = {}, options?: { cause?: unknown }) {
    super("spark", message, options);
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState;
    this.messageParameters = details.messageParameters ?? {};
    this.errorId = details.errorId;
    this.grpcCode = details.grpcCode;
  }
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
  constructor(message = "the operation was cancelled", options?: { cause?: unknown }) {
    super("cancelled", message, options);
  }
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

export function isSparkError(value: unknown): value is SparkError {
  return isLakehouseError(value) && value.code === "spark";
}
