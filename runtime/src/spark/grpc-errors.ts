/**
 * Turns a failed gRPC call into one of the runtime's errors. Spark puts its error class, SQLSTATE and message
 * parameters into a `google.rpc.ErrorInfo` inside the `grpc-status-details-bin` trailer
 * (apache/spark `ErrorUtils.scala`); those become a `SparkError`. Transport failures become `ConnectionError`,
 * refused credentials `AuthError`. Nothing of grpc-js's stack or internals is kept in the message.
 */
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { type ServiceError, status } from "@grpc/grpc-js";
import { AuthError, CancelledError, ConnectionError, type LakehouseError, SparkError } from "../errors.js";
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
  const message = redact(error.details || error.message || codeName, secrets);
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
  return new SparkError(message, {
    errorClass: md.errorClass || undefined,
    sqlState: md.sqlState || undefined,
    messageParameters: parseParameters(md.messageParameters),
    errorId: md.errorId || undefined,
    grpcCode: codeName,
  });
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
