/**
 * No call waits forever: against a server that accepts connections and never answers (a fault a real server cannot
 * produce on demand), and a port where nothing listens.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import {
  CancelledError,
  type ClientEvent,
  ConnectionError,
  NO_BACKOFF_RETRY_POLICY,
  RecordTable,
  SparkSession,
  TimeoutError,
} from "../../runtime/src/index.js";
import { uploadTimeoutMs } from "../../runtime/src/spark/artifacts.js";

vi.setConfig({ testTimeout: 20_000 });

let silent: Server;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.push(socket); // accepted, never answered
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

/** Fails the test, instead of hanging it, when `promise` is still pending after `ms`. */
function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still waiting after ${ms} ms: the call has no deadline`)), ms),
    ),
  ]);
}

const fast = { ...NO_BACKOFF_RETRY_POLICY, initialBackoffMs: 50, maxBackoffMs: 50, maxRetries: 2 };

describe("a server that accepts and never answers", () => {
  test("connect() gives up after connectMs with a ConnectionError saying so", async () => {
    const error = await settlesWithin(
      SparkSession.connect(`sc://127.0.0.1:${port}`, { timeouts: { connectMs: 1_000 } }).catch((e: unknown) => e),
      15_000,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^no answer from sc:\/\/127\.0\.0\.1:\d+ within 1 s/);
  });

  test("connect() takes a signal", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await settlesWithin(
      SparkSession.connect(`sc://127.0.0.1:${port}`, { signal: controller.signal }).catch((e: unknown) => e),
      15_000,
    );
    expect(error).toBeInstanceOf(CancelledError);
  });

  test("a query without a signal ends after the idle timeout and the retry budget", async () => {
    const events: ClientEvent[] = [];
    const spark = await SparkSession.connect(`sc://127.0.0.1:${port}`, {
      verify: false,
      retryPolicy: fast,
      timeouts: { idleMs: 300, callMs: 300 },
      onEvent: (e) => events.push(e),
    });
    try {
      const error = await settlesWithin(
        spark.sql("SELECT 1").catch((e: unknown) => e),
        15_000,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/ExecutePlan: no message from the server for 300 ms/);
      expect(events.filter((e) => e.type === "retry")).toHaveLength(2);
    } finally {
      await spark.close();
    }
  });

  test("the idle timeout can be set per call, and a unary call has a deadline of its own", async () => {
    const spark = await SparkSession.connect(`sc://127.0.0.1:${port}`, {
      verify: false,
      retryPolicy: { ...fast, maxRetries: 0 },
      timeouts: { callMs: 300 },
    });
    try {
      const query = spark.sql("SELECT 1", undefined, { idleTimeoutMs: 200 }).catch((e: unknown) => e);
      expect(await settlesWithin(query, 15_000)).toBeInstanceOf(ConnectionError);
      const schema = spark
        .table("t")
        .schema()
        .catch((e: unknown) => e);
      const error = await settlesWithin(schema, 15_000);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/DEADLINE_EXCEEDED/);
    } finally {
      await spark.close();
    }
  });

  test("a deadline for a whole call is a signal that times out: TimeoutError", async () => {
    const spark = await SparkSession.connect(`sc://127.0.0.1:${port}`, { verify: false, timeouts: { callMs: 300 } });
    try {
      const error = await settlesWithin(
        spark.sql("SELECT 1", undefined, { signal: AbortSignal.timeout(300) }).catch((e: unknown) => e),
        15_000,
      );
      expect(error).toBeInstanceOf(TimeoutError);
    } finally {
      await spark.close();
    }
  });

  test("a token provider that never resolves is bounded by connect()'s deadline and its signal", async () => {
    const never = () => new Promise<never>(() => {});
    const timedOut = await settlesWithin(
      SparkSession.connect(`sc://127.0.0.1:${port}`, { tokenProvider: never, timeouts: { connectMs: 500 } }).catch(
        (e: unknown) => e,
      ),
      15_000,
    );
    expect(timedOut).toBeInstanceOf(ConnectionError);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await settlesWithin(
      SparkSession.connect(`sc://127.0.0.1:${port}`, { tokenProvider: never, signal: controller.signal }).catch(
        (e: unknown) => e,
      ),
      15_000,
    );
    expect(aborted).toBeInstanceOf(CancelledError);
  });
});

describe("a dead server", () => {
  test("one insert makes at most the policy's retries, across every layer", async () => {
    // Nothing listens on the port of a server that was just closed.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const events: ClientEvent[] = [];
    const spark = await SparkSession.connect(`sc://127.0.0.1:${deadPort}`, {
      verify: false,
      retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 3 },
      onEvent: (e) => events.push(e),
    });
    try {
      const table = new RecordTable(spark, BasicTestRecord, { location: "/nowhere" });
      const error = await table.insertRecords([new BasicTestRecord({ id: 1n, name: "x" })]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/gave up after 3 retries/);
      expect(events.filter((e) => e.type === "retry")).toHaveLength(3);
    } finally {
      await spark.close();
    }
  });
});

test("an upload's deadline grows with its size", () => {
  const timeouts = { callMs: 120_000, uploadBytesPerSecond: 1024 * 1024 };
  expect(uploadTimeoutMs(0, timeouts)).toBe(120_000);
  expect(uploadTimeoutMs(1024 * 1024 * 1024, timeouts)).toBe(120_000 + 1024_000);
});
