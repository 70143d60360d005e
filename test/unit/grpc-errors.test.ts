import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { describe, expect, test } from "vitest";
import { AuthError, CancelledError, ConnectionError, SparkError } from "../../runtime/src/index.js";
import { Secret } from "../../runtime/src/secret.js";
import { errorFromGrpc } from "../../runtime/src/spark/grpc-errors.js";

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
