/**
 * The client layer over an in-memory transport: the faults a real server cannot produce on demand — a stream broken
 * after its third response, a stream rotated without ResultComplete, an operation the server lost, a session the
 * server lost — replayed exactly, and what the client sent in answer checked. Each behaviour also has a test against
 * the real server (test/integration/spark-resilience.test.ts, tables-reliability.test.ts).
 */
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import {
  type ExecutePlanRequest,
  type ReattachExecuteRequest,
  type ReleaseExecuteRequest,
  SparkConnectService,
} from "../../runtime/src/gen/spark/connect/base_pb.js";
import {
  CancelledError,
  type ClientEvent,
  ConnectionError,
  NO_BACKOFF_RETRY_POLICY,
  RecordTable,
  SparkError,
  SparkSession,
} from "../../runtime/src/index.js";
import { END, MemoryTransport, type Script } from "../../runtime/src/spark/memory-transport.js";

const rpc = SparkConnectService.method;

function progress(responseId: string) {
  return { responseId, operationId: "op", responseType: { case: "executionProgress" as const, value: {} } };
}
function complete(responseId: string) {
  return { responseId, operationId: "op", responseType: { case: "resultComplete" as const, value: {} } };
}
function arrow(responseId: string, columns: Record<string, BigInt64Array>) {
  const data = tableToIPC(tableFromArrays(columns), "stream");
  return { responseId, responseType: { case: "arrowBatch" as const, value: { rowCount: 1n, data } } };
}

function session(script: Script) {
  const transport = new MemoryTransport(script);
  const events: ClientEvent[] = [];
  const spark = SparkSession.over(transport, "sc://memory:1", {
    retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 5 },
    onEvent: (e) => events.push(e),
  });
  return { spark, transport, events };
}

const plan = { opType: { case: "root" as const, value: { relType: { case: "range" as const, value: { end: 10n } } } } };

async function ids(stream: AsyncIterable<{ responseId: string }>): Promise<string[]> {
  const seen: string[] = [];
  for await (const r of stream) seen.push(r.responseId);
  return seen;
}

describe("reattachable execution", () => {
  test("a stream broken after its third response is continued from the last response id", async () => {
    const { spark, transport, events } = session({
      stream: {
        ExecutePlan: () => [
          progress("r1"),
          progress("r2"),
          progress("r3"),
          new ConnectionError("UNAVAILABLE: dropped"),
        ],
        ReattachExecute: () => [progress("r4"), complete("r5")],
      },
    });
    expect(await ids(spark.client.execute(plan))).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    const [execute] = transport.requests<ExecutePlanRequest>(rpc.executePlan);
    const [reattach] = transport.requests<ReattachExecuteRequest>(rpc.reattachExecute);
    expect(reattach?.operationId).toBe(execute?.operationId);
    expect(reattach?.lastResponseId).toBe("r3");
    expect(events.map((e) => e.type)).toEqual(["retry", "reattach"]);
    // Consumed responses are released as the stream goes, and everything once it is complete.
    const releases = transport.requests<ReleaseExecuteRequest>(rpc.releaseExecute);
    expect(releases.at(-1)?.release.case).toBe("releaseAll");
    expect(releases.some((r) => r.release.case === "releaseUntil")).toBe(true);
  });

  test("a stream the server ends without ResultComplete (a rotation) is reattached, not retried", async () => {
    const { spark, transport, events } = session({
      stream: {
        ExecutePlan: () => [progress("r1"), END],
        ReattachExecute: ({ attempt }) => (attempt === 0 ? [progress("r2"), END] : [complete("r3")]),
      },
    });
    expect(await ids(spark.client.execute(plan))).toEqual(["r1", "r2", "r3"]);
    expect(transport.requests<ReattachExecuteRequest>(rpc.reattachExecute).map((r) => r.lastResponseId)).toEqual([
      "r1",
      "r2",
    ]);
    expect(events.map((e) => e.type)).toEqual(["reattach", "reattach"]);
  });

  test("an operation the server lost before anything arrived is executed again, with the same id", async () => {
    const { spark, transport, events } = session({
      stream: {
        ExecutePlan: ({ attempt }) => (attempt === 0 ? [END] : [progress("r1"), complete("r2")]),
        ReattachExecute: () => [new SparkError("lost", { errorClass: "INVALID_HANDLE.OPERATION_NOT_FOUND" })],
      },
    });
    expect(await ids(spark.client.execute(plan))).toEqual(["r1", "r2"]);
    const executes = transport.requests<ExecutePlanRequest>(rpc.executePlan);
    expect(executes).toHaveLength(2);
    expect(executes[1]?.operationId).toBe(executes[0]?.operationId);
    expect(events.map((e) => e.type)).toEqual(["reattach", "restart"]);
  });

  test("an ExecutePlan that got through before its stream broke is reattached, not run twice", async () => {
    const { spark, transport } = session({
      stream: {
        ExecutePlan: ({ attempt }) =>
          attempt === 0
            ? [new ConnectionError("UNAVAILABLE: dropped")]
            : [new SparkError("exists", { errorClass: "INVALID_HANDLE.OPERATION_ALREADY_EXISTS" })],
        ReattachExecute: () => [complete("r1")],
      },
    });
    expect(await ids(spark.client.execute(plan))).toEqual(["r1"]);
    expect(transport.requests(rpc.executePlan)).toHaveLength(2);
    expect(transport.requests<ReattachExecuteRequest>(rpc.reattachExecute)[0]?.lastResponseId).toBeUndefined();
  });

  test("retries end with the budget: one error after maxRetries, never more tries", async () => {
    const { spark, transport } = session({
      stream: { ExecutePlan: () => [new ConnectionError("UNAVAILABLE: down")] },
    });
    await expect(ids(spark.client.execute(plan))).rejects.toThrow(/gave up after 5 retries/);
    expect(transport.requests(rpc.executePlan)).toHaveLength(6);
  });

  test("a write aborted mid-stream is interrupted and followed until the server says how it ended", async () => {
    const controller = new AbortController();
    const { spark, transport } = session({
      stream: {
        ExecutePlan: async function* () {
          yield progress("r1");
          controller.abort();
          yield progress("r2");
          yield complete("r3");
        },
      },
    });
    const error = await spark.client
      .executeCommand(
        { commandType: { case: "sqlCommand", value: {} } },
        { signal: controller.signal, onAbort: "settle" },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).settled).toBe(true);
    expect(transport.requests(rpc.interrupt)).toHaveLength(1);
  });
});

describe("a session the server lost", () => {
  test("a table operation runs again from the start on a new session (INVALID_HANDLE.SESSION_CHANGED)", async () => {
    const sessions: string[] = [];
    const { spark, events } = session({
      stream: {
        ExecutePlan: ({ request }) => {
          const r = request as ExecutePlanRequest;
          sessions.push(r.sessionId);
          if (r.plan?.opType.case === "command") {
            if (sessions.length === 1) {
              return [new SparkError("the server restarted", { errorClass: "INVALID_HANDLE.SESSION_CHANGED" })];
            }
            const relation = { relType: { case: "range" as const, value: { end: 1n } } };
            return [
              { responseType: { case: "sqlCommandResult" as const, value: { relation } }, responseId: "c1" },
              complete("c2"),
            ];
          }
          return [arrow("q1", { num_affected_rows: BigInt64Array.of(2n) }), complete("q2")];
        },
      },
    });
    const table = new RecordTable(spark, BasicTestRecord, { location: "/memory/t" });
    expect(await table.deleteByKey([{ id: 1n }, { id: 2n }])).toBe(2n);
    expect(sessions[1]).not.toBe(sessions[0]);
    expect(sessions[2]).toBe(sessions[1]);
    expect(events.find((e) => e.type === "reconnect")).toMatchObject({ previousSessionId: sessions[0] });
  });
});
