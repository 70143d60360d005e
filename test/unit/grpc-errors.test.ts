import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, test } from "vitest";
import { AuthError, CancelledError, ConnectionError, ProtocolError, SparkError } from "../../runtime/src/index.js";
import { Secret } from "../../runtime/src/secret.js";
import { errorFromGrpc, errorFromThrown } from "../../runtime/src/spark/grpc-errors.js";

/** google.rpc.Status{code, message, details:[Any{ErrorInfo}]} as Spark sends it in grpc-status-details-bin. */
function statusDetails(metadata: Record<string, string>): Buffer {
  const info = new BinaryWriter().tag(1, 2).string("TABLE_OR_VIEW_NOT_FOUND").tag(2, 2).string("org.apache.spark");
  for (const [k, v] of Object.entries(metadata)) {
    info.tag(3, 2).bytes(new BinaryWriter().tag(1, 2).string(k).tag(2, 2).string(v).finish());
  }
  const any = new BinaryWriter()
    .tag(1, 2)
    .string("type.googleapis.com/google.rpc.ErrorInfo")
    .tag(2, 2)
    .bytes(info.finish());
  return Buffer.from(
    new BinaryWriter().tag(1, 0).int32(13).tag(2, 2).string("msg").tag(3, 2).bytes(any.finish()).finish(),
  );
}

function serviceError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

describe("errorFromGrpc", () => {
  test("Spark's ErrorInfo becomes a SparkError with class, SQLSTATE, parameters and id", () => {
    const metadata = new Metadata();
    metadata.set(
      "grpc-status-details-bin",
      statusDetails({
        errorClass: "TABLE_OR_VIEW_NOT_FOUND",
        sqlState: "42P01",
        messageParameters: JSON.stringify({ relationName: "`t`" }),
        errorId: "e-1",
      }),
    );
    const error = errorFromGrpc(serviceError(status.INTERNAL, "[TABLE_OR_VIEW_NOT_FOUND] no `t`", metadata));
    expect(error).toBeInstanceOf(SparkError);
    expect(error).toMatchObject({
      errorClass: "TABLE_OR_VIEW_NOT_FOUND",
      sqlState: "42P01",
      messageParameters: { relationName: "`t`" },
      errorId: "e-1",
      grpcCode: "INTERNAL",
      message: "[TABLE_OR_VIEW_NOT_FOUND] no `t`",
    });
  });

  test("transport and auth failures get their own classes; tokens are scrubbed", () => {
    const token = new Secret("tok-123");
    expect(errorFromGrpc(serviceError(status.UNAVAILABLE, "No connection established"))).toBeInstanceOf(
      ConnectionError,
    );
    expect(errorFromGrpc(serviceError(status.CANCELLED, "Cancelled on client"))).toBeInstanceOf(CancelledError);
    const auth = errorFromGrpc(serviceError(status.UNAUTHENTICATED, "bad token tok-123"), [token]);
    expect(auth).toBeInstanceOf(AuthError);
    expect(auth.message).toBe("UNAUTHENTICATED: bad token [redacted]");
  });

  test("a malformed details trailer still gives the status message", () => {
    const metadata = new Metadata();
    metadata.set("grpc-status-details-bin", Buffer.from([0xff, 0xff, 0xff]));
    const error = errorFromGrpc(serviceError(status.INTERNAL, "boom", metadata));
    expect(error).toBeInstanceOf(SparkError);
    expect(error.message).toBe("boom");
  });
});

describe("errorFromThrown", () => {
  const token = new Secret('tok"en\n');

  test("a ServiceError goes through errorFromGrpc, the runtime's own errors stay as they are", () => {
    expect(errorFromThrown(serviceError(status.UNAVAILABLE, "down"))).toBeInstanceOf(ConnectionError);
    const own = new AuthError("no");
    expect(errorFromThrown(own, [token])).toBe(own);
  });

  test("anything else grpc-js throws is a ProtocolError with its name and code, scrubbed, without a cause", () => {
    let refused: unknown;
    try {
      new Metadata().set("authorization", `Bearer ${token.reveal()}`);
    } catch (error) {
      refused = error;
    }
    const error = errorFromThrown(refused, [token]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toBe(
      'the gRPC client failed: Error: Metadata string value "Bearer [redacted]" contains illegal characters',
    );
    expect(error.cause).toBeUndefined();
    const typeError = Object.assign(new TypeError('bad "tok\\"en\\n"'), { code: "ERR_INVALID_ARG_TYPE" });
    expect(errorFromThrown(typeError, [token]).message).toBe(
      'the gRPC client failed: TypeError [ERR_INVALID_ARG_TYPE]: bad "[redacted]"',
    );
    expect(errorFromThrown("tok%22en%0A refused", [token]).message).toBe("the gRPC client failed: [redacted] refused");
    expect(errorFromThrown({ toString: () => "tok" }).message).toBe("the gRPC client failed: a thrown object");
    expect(errorFromThrown(null).message).toBe("the gRPC client failed: a thrown null");
  });

  test("Spark's error fields are scrubbed too", () => {
    const metadata = new Metadata();
    metadata.set(
      "grpc-status-details-bin",
      statusDetails({ errorClass: "X", messageParameters: JSON.stringify({ value: `is ${token.reveal()}` }) }),
    );
    const error = errorFromGrpc(serviceError(status.INTERNAL, "failed", metadata), [token]) as SparkError;
    expect(error.messageParameters).toEqual({ value: "is [redacted]" });
  });
});
