/**
 * TLS with a given CA: an in-process grpc-js server with a certificate made for the test (a real Spark server
 * would need a keystore set-up that tells us nothing more about the client). Untrusted certificates are refused.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type DescMessage, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { AnalyzePlanResponseSchema, SparkConnectService } from "../../runtime/src/gen/spark/connect/base_pb.js";
import { ConnectionError, NO_BACKOFF_RETRY_POLICY, SparkSession } from "../../runtime/src/index.js";

let dir: string;
let server: Server;
let port = 0;
let ca: Buffer;

const codec = (schema: DescMessage) => ({
  serialize: (value: Message) => Buffer.from(toBinary(schema, value)),
  deserialize: (bytes: Buffer) => fromBinary(schema, bytes),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  ca = readFileSync(join(dir, "cert.pem"));
  server = new Server();
  const method = SparkConnectService.method.analyzePlan;
  server.addService(
    {
      AnalyzePlan: {
        path: `/${SparkConnectService.typeName}/AnalyzePlan`,
        requestStream: false,
        responseStream: false,
        requestSerialize: codec(method.input).serialize,
        requestDeserialize: codec(method.input).deserialize,
        responseSerialize: codec(method.output).serialize,
        responseDeserialize: codec(method.output).deserialize,
      },
    },
    {
      AnalyzePlan: (_call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) =>
        done(
          null,
          create(AnalyzePlanResponseSchema, { result: { case: "sparkVersion", value: { version: "tls-ok" } } }),
        ),
    },
  );
  const credentials = ServerCredentials.createSsl(null, [
    { private_key: readFileSync(join(dir, "key.pem")), cert_chain: ca },
  ]);
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (error, p) => (error ? reject(error) : resolve(p))),
  );
});

afterAll(() => {
  server?.forceShutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("use_ssl with a given CA certificate connects over TLS", async () => {
  const spark = await SparkSession.connect(`sc://localhost:${port}/;use_ssl=true`, { caCertificate: ca });
  expect(await spark.version()).toBe("tls-ok");
  spark.close().catch(() => {});
});

test("a certificate the client does not trust is refused", async () => {
  const error = await SparkSession.connect(`sc://localhost:${port}/;use_ssl=true`, {
    retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 0 },
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectionError);
});

test("plain text to a TLS server fails", async () => {
  const error = await SparkSession.connect(`sc://localhost:${port}`, {
    retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 0 },
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectionError);
});
