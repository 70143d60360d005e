/**
 * Reattachable execution, retries and cancellation against real servers: a stream the server rotates every
 * second, a connection cut mid-stream (through a loopback proxy), an aborted query interrupted on the server,
 * and a large result streamed in bounded memory.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CancelledError, type ClientEvent, NO_BACKOFF_RETRY_POLICY, SparkSession } from "../../runtime/src/index.js";
import { parseConnectionString } from "../../runtime/src/spark/connection-string.js";
import { type RunningServer, start, stop } from "../../tools/spark/server.js";
import { connect, remote } from "./helpers.js";
import { startTcpProxy } from "./tcp-proxy.js";

describe("a server that rotates result streams every second", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({
      name: "rotating",
      port: 15004,
      memory: "1g",
      conf: { "spark.connect.execute.reattachable.senderMaxStreamDuration": "1s" },
      log: () => {},
    });
  });
  afterAll(async () => {
    if (server?.started) await stop(server.name, () => {});
  });

  test("a slowly consumed query completes with every row through ReattachExecute", async () => {
    const events: ClientEvent[] = [];
    const spark = await SparkSession.connect(server.remote, { onEvent: (e) => events.push(e) });
    try {
      await spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", 2000);
      let count = 0;
      let sum = 0n;
      for await (const batch of spark.range(0, 200_000, 1, 4).batches()) {
        const ids = batch.getChild("id");
        for (let i = 0; i < batch.numRows; i++) sum += ids?.get(i) as bigint;
        count += batch.numRows;
        await delay(40); // slower than the server: its 1 s stream limit passes mid-query
      }
      expect(count).toBe(200_000);
      expect(sum).toBe((199_999n * 200_000n) / 2n);
      expect(events.filter((e) => e.type === "reattach").length).toBeGreaterThan(0);
    } finally {
      await spark.close();
    }
  });
});

describe("faults on the default server", () => {
  let spark: SparkSession;
  beforeAll(async () => {
    spark = await connect();
  });
  afterAll(async () => {
    await spark?.close();
  });

  test("a connection cut mid-stream recovers by reattaching, with no row lost or repeated", async () => {
    const target = parseConnectionString(remote());
    const proxy = await startTcpProxy(target.host, target.port);
    const events: ClientEvent[] = [];
    const session = await SparkSession.connect(`sc://127.0.0.1:${proxy.port}`, {
      retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, initialBackoffMs: 100, maxBackoffMs: 100 },
      onEvent: (e) => events.push(e),
    });
    try {
      await session.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", 1000);
      const total = 2_000_000;
      const seen = new Uint8Array(total);
      let rows = 0;
      let repeated = 0;
      let batches = 0;
      // 16 MB of ids: more than the 8 MiB flow-control window, so the server is still sending when the cut comes
      // (a result that fits the window can arrive whole before it, and then there is nothing to recover).
      for await (const batch of session.range(0, total, 1, 2).batches()) {
        const ids = batch.getChild("id")?.toArray() as BigInt64Array;
        for (const id of ids) {
          if (seen[Number(id)]) repeated++;
          seen[Number(id)] = 1;
        }
        rows += ids.length;
        if (++batches === 10) proxy.cut();
      }
      expect(repeated).toBe(0);
      expect(rows).toBe(total);
      expect(seen.every((v) => v === 1)).toBe(true);
      expect(events.some((e) => e.type === "retry")).toBe(true);
      expect(events.some((e) => e.type === "reattach")).toBe(true);
    } finally {
      await session.close();
      await proxy.close();
    }
  });

  test("aborting a query rejects with CancelledError and interrupts it on the server", async () => {
    const events: ClientEvent[] = [];
    const session = await connect({ onEvent: (e) => events.push(e) });
    try {
      const controller = new AbortController();
      const heavy = session
        .range(0, 1_000_000_000_000, 1, 2)
        .filter("id % 1000000007 = 3")
        .count({ signal: controller.signal });
      await delay(1500);
      controller.abort();
      await expect(heavy).rejects.toBeInstanceOf(CancelledError);
      expect(events.some((e) => e.type === "interrupt")).toBe(true);
      await delay(500);
      // Had the abort not reached the server, the query would still be running in this session.
      expect(await session.interruptAll()).toEqual([]);
    } finally {
      await session.close();
    }
  });

  test("500k+ rows stream through rows() while heap growth stays bounded", async () => {
    const rowCount = 1_000_000;
    const padding = 400;
    const df = await spark.sql(`SELECT id, repeat('x', ${padding}) AS pad FROM range(${rowCount})`);
    // Arrow buffers live outside the JS heap: count both.
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const baseline = used();
    let peak = 0;
    let rows = 0;
    let chars = 0;
    for await (const row of df.rows()) {
      rows++;
      chars += (row.pad as string).length;
      if (rows % 10_000 === 0) peak = Math.max(peak, used() - baseline);
    }
    expect(rows).toBe(rowCount);
    expect(chars).toBe(rowCount * padding);
    // The result is ~400 MB of text; a client that buffered it would grow by far more than this bound.
    console.log(
      `streamed ${rows} rows (${(chars / 1e6).toFixed(0)} MB of text); peak heap+external growth ${(peak / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(peak).toBeLessThan(160 * 1024 * 1024);
  });
});
