/**
 * Headers reach the server on every call. A real Spark server cannot show us the metadata it received, so this
 * one protocol detail is checked against an in-process grpc-js server that records it and answers minimally.
 */
import { create, type DescMessage, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
} from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  AnalyzePlanResponseSchema,
  ConfigResponseSchema,
  ExecutePlanResponseSchema,
  SparkConnectService,
} from "../../runtime/src/gen/spark/connect/base_pb.js";
import { SparkSession } from "../../runtime/src/index.js";

const seen: { method: string; metadata: Metadata }[] = [];
let server: Server;
let port = 0;

function codec(schema: DescMessage) {
  return {
    serialize: (value: Message) => Buffer.from(toBinary(schema, value)),
    deserialize: (bytes: Buffer) => fromBinary(schema, bytes),
  };
}

beforeAll(async () => {
  server = new Server();
  const m = SparkConnectService.method;
  const definition = Object.fromEntries(
    [m.analyzePlan, m.config, m.executePlan, m.releaseExecute, m.releaseSession].map((method) => [
      method.name,
      {
        path: `/${SparkConnectService.typeName}/${method.name}`,
        requestStream: false,
        responseStream: method.methodKind === "server_streaming",
        requestSerialize: codec(method.input).serialize,
        requestDeserialize: codec(method.input).deserialize,
        responseSerialize: codec(method.output).serialize,
        responseDeserialize: codec(method.output).deserialize,
      },
    ]),
  );
  const record = (method: string, metadata: Metadata) => seen.push({ method, metadata });
  server.addService(definition, {
    AnalyzePlan: (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) => {
      record("AnalyzePlan", call.metadata);
      done(null, create(AnalyzePlanResponseSchema, { result: { case: "sparkVersion", value: { version: "4.2.0" } } }));
    },
    Config: (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) => {
      record("Config", call.metadata);
      done(null, create(ConfigResponseSchema, { pairs: [{ key: "k", value: "v" }] }));
    },
    ExecutePlan: (call: ServerWritableStream<unknown, unknown>) => {
      record("ExecutePlan", call.metadata);
      call.write(
        create(ExecutePlanResponseSchema, { responseId: "r1", responseType: { case: "resultComplete", value: {} } }),
      );
      call.end();
    },
    ReleaseExecute: (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) => {
      record("ReleaseExecute", call.metadata);
      done(null, create(SparkConnectService.method.releaseExecute.output, {}));
    },
    ReleaseSession: (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) => {
      record("ReleaseSession", call.metadata);
      done(null, create(SparkConnectService.method.releaseSession.output, {}));
    },
  });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
});

afterAll(() => {
  server?.forceShutdown();
});

test("connection-string headers, the bearer token and the user agent go with every call", async () => {
  const spark = await SparkSession.connect(
    `sc://127.0.0.1:${port}/;token=tok-1;use_ssl=false;x-databricks-cluster-id=0123-abc;user_agent=my-app`,
  );
  await spark.conf.get("k");
  await spark.executeCommand({ commandType: { case: "sqlCommand", value: { sql: "SELECT 1" } } });
  await spark.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(new Set(seen.map((s) => s.method))).toEqual(
    new Set(["AnalyzePlan", "Config", "ExecutePlan", "ReleaseExecute", "ReleaseSession"]),
  );
  for (const { method, metadata } of seen) {
    expect(metadata.get("x-databricks-cluster-id"), method).toEqual(["0123-abc"]);
    expect(metadata.get("authorization"), method).toEqual(["Bearer tok-1"]);
    expect(String(metadata.get("user-agent")[0]), method).toMatch(
      /^my-app lakehouse-contracts\/\d+\.\d+\.\d+ node\/v\d+/,
    );
  }
});
