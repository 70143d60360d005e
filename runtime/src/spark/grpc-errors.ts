/**
 * Turns a failed gRPC call into one of the runtime's errors. Spark puts its error class, SQLSTATE and message
 * parameters into a `google.rpc.ErrorInfo` inside the `grpc-status-details-bin` trailer
 * (apache/spark `ErrorUtils.scala`); those become a `SparkError`. Transport failures become `ConnectionError`,
 * refused credentials `AuthError`, and anything else grpc-js throws a `ProtocolError`. Nothing of grpc-js's stack or
 * internals is kept, not even as `cause`, and every text taken from the error is scrubbed of the secrets given.
 */
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { type ServiceError, status } from "@grpc/grpc-js";
import {
  AuthError,
  CancelledError,
  ConnectionError,
  ConstraintViolationError,
  constraintValues,
  DeltaConflictError,
  isDeltaConflictClass,
  isLakehouseError,
  type LakehouseError,
  ProtocolError,
  SparkError,
} from "../errors.js";
import { redact, type Secret } from "../secret.js";

const ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export function isServiceError(value: unknown): value is ServiceError {
  return value instanceof Error && typeof (value as Partial<ServiceError>).code === "number" && "metadata" in value;
}

export function grpcCodeName(code: number): string {
  return status[code] ?? `code ${code}`;
}

export function errorFromGrpc(error: ServiceError, secrets: Iterable<Secret | undefined> = []): LakehouseError {
  const codeName = grpcCodeName(error.code);
  // Read once: a caller's iterable may be single-use (a generator), and it is used for every field.
  const scrub = [...secrets];
  const message = redact(error.details || error.message || codeName, scrub);
  const info = readErrorInfo(error);
  switch (error.code) {
    case status.CANCELLED:
      return new CancelledError(`the call was cancelled: ${message}`);
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      return new AuthError(`${codeName}: ${message}`);
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      if (!info) return new ConnectionError(`${codeName}: ${message}`);
  }
  const md = info?.metadata ?? {};
  const field = (value: string | undefined) => (value ? redact(value, scrub) : undefined);
  const parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(parseParameters(md.messageParameters))) {
    parameters[redact(k, scrub)] = redact(v, scrub);
  }
  const details = {
    errorClass: field(md.errorClass),
    sqlState: field(md.sqlState),
    messageParameters: parameters,
    errorId: field(md.errorId),
    grpcCode: codeName,
  };
  if (details.errorClass?.startsWith("DELTA_VIOLATE_CONSTRAINT") === true) {
    // A CHECK constraint refused a row: what Delta says of it, as data (RecordTable adds the contract's field).
    return new ConstraintViolationError(message, details, {
      constraint: parameters.constraintName ?? "",
      expression: parameters.expression,
      values: constraintValues(parameters.values),
    });
  }
  // Delta's concurrent-modification family gets a class of its own: nothing was committed, so it may be retried.
  return isDeltaConflictClass(details.errorClass)
    ? new DeltaConflictError(message, details)
    : new SparkError(message, details);
}

/**
 * Any failure of a gRPC call as one of the runtime's errors: a `ServiceError` through `errorFromGrpc`, the
 * runtime's own errors as they are, and anything else — grpc-js throws plain `Error`s and `TypeError`s when it
 * refuses what it was given, e.g. `Metadata.set` with `Metadata string value "Bearer <token>" contains illegal
 * characters` — as a `ProtocolError` whose message is scrubbed of `secrets`.
 *
 * Why `ProtocolError` and not `ConnectionError`: grpc-js reports every network and HTTP/2 failure as a
 * `ServiceError` (UNAVAILABLE, or INTERNAL "Failed to start HTTP/2 stream", load-balancing-call.ts), so what reaches
 * here is the client refusing its own input — certain to fail again, while a `ConnectionError` would be retried
 * (retry.ts `isRetryable`) and blame the network. Why no `cause`: the original's message, stack and own causes
 * quote what was being sent, and `error.cause.message` must not hand out the token the message was scrubbed of.
 */
export function errorFromThrown(error: unknown, secrets: Iterable<Secret | undefined> = []): LakehouseError {
  if (isLakehouseError(error)) return error;
  if (isServiceError(error)) return errorFromGrpc(error, secrets);
  return new ProtocolError(`the gRPC client failed: ${redact(describeThrown(error), secrets)}`);
}

/** `TypeError [ERR_INVALID_ARG_TYPE]: …`: name, Node's error code when there is one, message. */
function describeThrown(error: unknown): string {
  if (typeof error === "string") return error;
  if (!(error instanceof Error)) return `a thrown ${error === null ? "null" : typeof error}`;
  const code = (error as { code?: unknown }).code;
  const tag = typeof code === "string" && /^[A-Z][A-Z0-9_]*$/.test(code) ? ` [${code}]` : "";
  return `${error.name}${tag}: ${error.message}`;
}

function parseParameters(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null) return {};
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}

/** Decodes `google.rpc.Status{code=1, message=2, repeated Any details=3}` and picks its first `ErrorInfo`. */
export function readErrorInfo(error: ServiceError): ErrorInfo | undefined {
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  if (!(raw instanceof Uint8Array)) return undefined;
  try {
    const reader = new BinaryReader(raw);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field !== 3) {
        reader.skip(wireType);
        continue;
      }
      const any = readAny(reader.bytes());
      if (any.typeUrl === ERROR_INFO_TYPE) return decodeErrorInfo(any.value);
    }
  } catch {
    // A malformed trailer is not worth failing over: the status message still says what happened.
  }
  return undefined;
}

function readAny(bytes: Uint8Array): { typeUrl: string; value: Uint8Array } {
  const reader = new BinaryReader(bytes);
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array();
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) typeUrl = reader.string();
    else if (field === 2) value = reader.bytes();
    else reader.skip(wireType);
  }
  return { typeUrl, value };
}

function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  const reader = new BinaryReader(bytes);
  const info: ErrorInfo = { reason: "", domain: "", metadata: {} };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1) info.reason = reader.string();
    else if (field === 2) info.domain = reader.string();
    else if (field === 3) {
      const entry = new BinaryReader(reader.bytes());
      let key = "";
      let val = "";
      while (entry.pos < entry.len) {
        const [f, w] = entry.tag();
        if (f === 1) key = entry.string();
        else if (f === 2) val = entry.string();
        else entry.skip(w);
      }
      info.metadata[key] = val;
    } else reader.skip(wireType);
  }
  return info;
}
