/**
 * The CLI's output never shows a token: tokens with characters gRPC refuses in a header (a trailing newline from a
 * token file, a tab, a non-ASCII letter) and a quote, put in the right place of the connection string and in every
 * wrong one, through --remote and SPARK_REMOTE.
 */
import { join } from "node:path";
import { type DescMessage, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import { type Metadata, Server, ServerCredentials, type ServerUnaryCall, status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { run } from "../../runtime/src/cli/main.js";
import { SparkConnectService } from "../../runtime/src/gen/spark/connect/base_pb.js";

// A server that refuses every token and quotes back the header it got, as a careless proxy might: for the tokens
// gRPC can send, the error the CLI prints must still not show it.
let server: Server;
let port = 0;
const codec = (schema: DescMessage) => ({
  serialize: (value: Message) => Buffer.from(toBinary(schema, value)),
  deserialize: (bytes: Buffer) => fromBinary(schema, bytes),
});
beforeAll(async () => {
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
      AnalyzePlan: (call: ServerUnaryCall<unknown, unknown>, done: (error: object) => void) => {
        const header = (call.metadata as Metadata).get("authorization")[0];
        done({ code: status.UNAUTHENTICATED, details: `token refused: ${String(header)} (${JSON.stringify(header)})` });
      },
    },
  );
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
});
afterAll(() => server?.forceShutdown());

const CONTRACT = `${join(import.meta.dirname, "../../generated/lakehouse/test/v1/basic_lakehouse.ts")}#BasicTestRecord`;
const TOKENS = ["dapi-secret-0042\n", "dapi\tsecret\t0042", "dapi-sécret-0042", 'dapi-"secret"-0042'];

/** The places a token can end up in, by mistake or not. */
const PLACES: Record<string, (token: string) => string> = {
  "token, URL-encoded": (t) => `sc://127.0.0.1:${port}/;token=${encodeURIComponent(t)};use_ssl=false`,
  "token, as typed": (t) => `sc://127.0.0.1:${port}/;token=${t};use_ssl=false`,
  port: (t) => `sc://127.0.0.1:${t}/`,
  host: (t) => `sc://${t}:${port}/`,
  use_ssl: (t) => `sc://127.0.0.1:${port}/;use_ssl=${t}`,
  "header key": (t) => `sc://127.0.0.1:${port}/;${t}=1`,
  "header value": (t) => `sc://127.0.0.1:${port}/;x-api-key=${t}`,
  scheme: (t) => `${t}://127.0.0.1:${port}/`,
};

function forms(token: string): string[] {
  return [token, token.trim(), JSON.stringify(token).slice(1, -1), encodeURIComponent(token)];
}

async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ output: string; code: number }> {
  let output = "";
  const capture = (chunk: unknown) => {
    output += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  const argv = process.argv;
  const saved = { ...process.env };
  process.argv = ["node", "lakehouse", ...args];
  Object.assign(process.env, env);
  try {
    await run();
    return { output, code: Number(process.exitCode ?? 0) };
  } finally {
    process.argv = argv;
    process.env = saved;
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe.each(TOKENS)("a token %j", (token) => {
  test.each(Object.keys(PLACES))("in the %s: a one-line error, exit 2, no token", async (place) => {
    const remote = (PLACES[place] as (t: string) => string)(token);
    for (const via of ["--remote", "SPARK_REMOTE"]) {
      const args = ["query", "--contract", CONTRACT, "--location", "/nowhere"];
      const { output, code } =
        via === "--remote" ? await runCli([...args, "--remote", remote]) : await runCli(args, { SPARK_REMOTE: remote });
      expect(code).toBe(2);
      // Refused when parsed — or, for a token gRPC can send, by the server, in words that quote it.
      expect(output).toMatch(/^lakehouse: (invalid Spark Connect connection string: |UNAUTHENTICATED: token refused)/);
      expect(output.trim().split("\n")).toHaveLength(1);
      for (const form of forms(token)) expect(output).not.toContain(form);
      // The distinctive middle of the token, whatever quoting a message might give it.
      expect(output).not.toMatch(/secret.0042|sécret/);
    }
  });
});
