/**
 * Ingest: the example order API (examples/api-service) under load from a local load generator (autocannon):
 * `connections` clients, each posting batches of 10 orders, for `seconds`, twice in the same run —
 *   ours, group commit        requests share commits through `RecordTable.writer()`;
 *   ours, commit per request  each request written with its own `insertRecords` (one commit each).
 * Reported: accepted records/s, commits/s, latency from request to acknowledged commit (p50/p90/p99), client RSS and
 * the driver's heap; the single-commit latency (one request alone) measured in the same run; and the table
 * checked afterwards: every acknowledged order once, nothing else.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import autocannon from "autocannon";
import { buildService } from "../examples/api-service/service.js";
import { emptyChecksums, makeOrder } from "../tools/soak/orders.js";
import type { BenchContext } from "./context.js";
import { emptySection, type SectionResult } from "./results.js";
import { summarize } from "./stats.js";

export const INGEST_PEERS = {
  group: "ours, group commit",
  perRequest: "ours, commit per request",
} as const;

const ORDERS_PER_REQUEST = 10;

interface LoadResult {
  acknowledged: number;
  failed: number;
  seconds: number;
  latencyMs: { p50: number; p90: number; p99: number };
  commits: number;
  rssPeakMiB: number;
  table: {
    rows: number;
    distinctIds: number;
    /** Acknowledged orders not in the table. */
    lost: number;
    /** Orders in the table more than once. */
    duplicated: number;
    /** Orders of requests still in flight when the load stopped: committed, their answers not counted. */
    unacknowledged: number;
  };
}

export async function ingestSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  const quick = ctx.config.mode === "quick";
  const load = quick ? { connections: 2, seconds: 3 } : { connections: 64, seconds: 60 };
  const single = await singleCommitSeconds(ctx, quick ? 2 : 5);
  const runs: Record<string, LoadResult> = {};
  for (const [key, peer] of Object.entries(INGEST_PEERS)) {
    ctx.log(`  ingest: ${peer}, ${load.connections} connections × ${ORDERS_PER_REQUEST} orders for ${load.seconds} s`);
    const run = await underLoad(ctx, key === "perRequest", load);
    runs[peer] = run;
    const rate = run.acknowledged / run.seconds;
    result.figures.push({
      section: "ingest",
      case: `order API, ${load.connections} connections × ${ORDERS_PER_REQUEST} orders per request`,
      // The acknowledged records: the figure's rate is them over the load's seconds.
      size: run.acknowledged,
      peer,
      unit: "records/s",
      timing: summarize([run.seconds]),
      rate,
      rssPeakMiB: run.rssPeakMiB,
      note:
        `${run.commits} commits (${(run.commits / run.seconds).toFixed(2)}/s); latency p50 ${run.latencyMs.p50} ms, ` +
        `p90 ${run.latencyMs.p90} ms, p99 ${run.latencyMs.p99} ms; ${run.failed} requests failed`,
    });
    result.checks.push({
      section: "ingest",
      name: `${peer}: every acknowledged order in the table, once`,
      ok: run.table.lost === 0 && run.table.duplicated === 0,
      detail:
        `acknowledged ${run.acknowledged}: ${run.table.lost} lost, ${run.table.duplicated} duplicated; table ` +
        `${run.table.rows} rows (${run.table.unacknowledged} from requests in flight when the load stopped)`,
    });
  }
  const group = runs[INGEST_PEERS.group] as LoadResult;
  const perRequest = runs[INGEST_PEERS.perRequest] as LoadResult;
  result.comparisons.push({
    section: "ingest",
    case: `order API, ${load.connections} connections`,
    size: ORDERS_PER_REQUEST,
    ours: INGEST_PEERS.group,
    peer: INGEST_PEERS.perRequest,
    ratio: group.acknowledged / group.seconds / Math.max(perRequest.acknowledged / perRequest.seconds, 1e-9),
    goal: 20,
    goalText: "≥ 20× the per-request records/s",
  });
  result.comparisons.push({
    section: "ingest",
    case: "p99 latency vs a single commit",
    size: ORDERS_PER_REQUEST,
    ours: `${INGEST_PEERS.group} p99 ${group.latencyMs.p99} ms`,
    peer: `3 × single commit (${Math.round(single * 1000)} ms)`,
    ratio: (3 * single * 1000) / Math.max(group.latencyMs.p99, 1),
    goal: 1,
    goalText: "p99 ≤ 3× the median single commit",
  });
  result.notes.push(
    `Load: autocannon, ${load.connections} connections, each POST /orders with ${ORDERS_PER_REQUEST} new orders, ${load.seconds} s per peer; latency is from sending the request to the 201 that follows the commit. Single commit = median of insertRecords of ${ORDERS_PER_REQUEST} orders alone.`,
    `Driver heap after a full GC at the end: ${driverHeapMiB(ctx) ?? "n/a (not a local server)"} MiB.`,
  );
  return result;
}

/** The median time of one commit of one request's orders, alone. */
async function singleCommitSeconds(ctx: BenchContext, runs: number): Promise<number> {
  const service = await buildService({ spark: ctx.spark, location: join(ctx.tableDir, "ingest", "single") });
  try {
    const sums = emptyChecksums();
    const seconds: number[] = [];
    for (let r = 0; r <= runs; r++) {
      const orders = Array.from({ length: ORDERS_PER_REQUEST }, (_, i) => makeOrder("single", r * 100 + i, sums));
      const start = process.hrtime.bigint();
      await service.table.insertRecords(orders);
      if (r > 0) seconds.push(Number(process.hrtime.bigint() - start) / 1e9); // the first one warms up
    }
    return summarize(seconds).median;
  } finally {
    await service.shutdown();
  }
}

async function underLoad(
  ctx: BenchContext,
  commitPerRequest: boolean,
  load: { connections: number; seconds: number },
): Promise<LoadResult> {
  const location = join(ctx.tableDir, "ingest", commitPerRequest ? "per_request" : "group");
  const service = await buildService({ spark: ctx.spark, location, commitPerRequest, requestTimeoutMs: 300_000 });
  await service.app.listen({ host: "127.0.0.1", port: 0 });
  const address = service.app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const run = Date.now().toString(36);
  const sums = emptyChecksums();
  let next = 0;
  // The first order number of each acknowledged request (each connection sends one request at a time).
  const acknowledgedBatches: number[] = [];
  let rssPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 250);
  const started = performance.now();
  try {
    const outcome = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: load.connections,
      duration: load.seconds,
      timeout: 300,
      requests: [
        {
          method: "POST",
          path: "/orders",
          headers: { "content-type": "application/json" },
          setupRequest: (request, context) => {
            (context as { first?: number }).first = next;
            const orders = Array.from({ length: ORDERS_PER_REQUEST }, () => makeOrder(run, next++, sums).toJson());
            return { ...request, body: JSON.stringify(orders) };
          },
          onResponse: (status, _body, context) => {
            if (status === 201) acknowledgedBatches.push((context as { first: number }).first);
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    // Requests still in flight are answered (and committed) before the server closes.
    await service.shutdown();
    const ids = (await (await ctx.spark.sql(`SELECT order_id FROM ${service.table.target.sql}`)).collect()).map((r) =>
      String(r.order_id),
    );
    const inTable = new Map<string, number>();
    for (const id of ids) inTable.set(id, (inTable.get(id) ?? 0) + 1);
    const acknowledged = new Set(
      acknowledgedBatches.flatMap((first) =>
        Array.from({ length: ORDERS_PER_REQUEST }, (_, i) => `ord_${run}_${first + i}`),
      ),
    );
    const lost = [...acknowledged].filter((id) => !inTable.has(id)).length;
    const duplicated = [...inTable.values()].filter((n) => n > 1).length;
    return {
      acknowledged: acknowledged.size,
      failed: outcome.non2xx + outcome.errors + outcome.timeouts,
      seconds,
      latencyMs: { p50: outcome.latency.p50, p90: outcome.latency.p90, p99: outcome.latency.p99 },
      commits: commitPerRequest ? acknowledgedBatches.length : service.stats.commits,
      rssPeakMiB: Math.round(rssPeak / 2 ** 20),
      table: {
        rows: ids.length,
        distinctIds: inTable.size,
        lost,
        duplicated,
        unacknowledged: [...inTable.keys()].filter((id) => !acknowledged.has(id)).length,
      },
    };
  } finally {
    clearInterval(sampler);
    await service.shutdown();
  }
}

/** The local server's heap after a full GC (jcmd), or undefined when the server is not a local JVM we know. */
function driverHeapMiB(ctx: BenchContext): number | undefined {
  if (ctx.serverPid === undefined) return undefined;
  try {
    execFileSync("jcmd", [String(ctx.serverPid), "GC.run"]);
    const info = execFileSync("jcmd", [String(ctx.serverPid), "GC.heap_info"], { encoding: "utf8" });
    const used = /used (\d+)K/.exec(info)?.[1];
    return used === undefined ? undefined : Math.round(Number(used) / 1024);
  } catch {
    return undefined;
  }
}
