/**
 * Ingest: the example order API (examples/api-service, in a process of its own, as it would be deployed) under load
 * from a local load generator (autocannon, in this process): `connections` clients, each posting batches of 10 new
 * orders, for `seconds`, twice in the same run —
 *   ours, group commit        requests share commits through `RecordTable.writer()`;
 *   ours, commit per request  each request written with its own `insertRecords` (one commit each).
 * Reported: accepted records/s, commits/s, latency from request to the 201 after its commit (p50/p90/p99), the
 * service's RSS and the driver's heap; the latency of a single request alone, measured in the same run; and the
 * table checked afterwards: every acknowledged order once.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import autocannon from "autocannon";
import { repoRoot } from "../tools/lib/paths.js";
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
  const runs: Record<string, LoadResult> = {};
  let single = 0;
  for (const [key, peer] of Object.entries(INGEST_PEERS)) {
    const commitPerRequest = key === "perRequest";
    const service = await startService(ctx, commitPerRequest);
    try {
      // The latency of one request alone (its commit, with nothing else queued), before the load.
      if (!commitPerRequest) single = await singleRequestSeconds(service.port, quick ? 2 : 5);
      ctx.log(
        `  ingest: ${peer}, ${load.connections} connections × ${ORDERS_PER_REQUEST} orders for ${load.seconds} s`,
      );
      runs[peer] = await underLoad(ctx, service, commitPerRequest, load);
    } finally {
      await service.stop();
    }
    const run = runs[peer] as LoadResult;
    result.figures.push({
      section: "ingest",
      case: `order API, ${load.connections} connections × ${ORDERS_PER_REQUEST} orders per request`,
      // The acknowledged records: the figure's rate is them over the load's seconds.
      size: run.acknowledged,
      peer,
      unit: "records/s",
      timing: summarize([run.seconds]),
      rate: run.acknowledged / run.seconds,
      rssPeakMiB: run.rssPeakMiB,
      note:
        `${run.commits} commits (${(run.commits / run.seconds).toFixed(2)}/s, ${Math.round((1000 * run.seconds) / Math.max(run.commits, 1))} ms each); latency p50 ${run.latencyMs.p50} ms, ` +
        `p90 ${run.latencyMs.p90} ms, p99 ${run.latencyMs.p99} ms; ${run.failed} requests failed; RSS of the service`,
    });
    result.checks.push({
      section: "ingest",
      name: `${peer}: every acknowledged order in the table, once`,
      ok: run.table.lost === 0 && run.table.duplicated === 0,
      detail:
        `acknowledged ${run.acknowledged}: ${run.table.lost} lost, ${run.table.duplicated} duplicated; table ` +
        `${run.table.rows} rows (${run.table.unacknowledged} not acknowledged by the load: the single requests before it, and those in flight when it stopped)`,
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
    case: "p99 latency vs a single request alone",
    size: ORDERS_PER_REQUEST,
    ours: `${INGEST_PEERS.group} p99 ${group.latencyMs.p99} ms`,
    peer: `3 × a single request alone (3 × ${Math.round(single * 1000)} ms)`,
    ratio: (3 * single * 1000) / Math.max(group.latencyMs.p99, 1),
    goal: 1,
    goalText: "p99 ≤ 3× the median single commit",
  });
  result.notes.push(
    `Load: autocannon in the bench's process, ${load.connections} connections, each POST /orders with ${ORDERS_PER_REQUEST} new orders (bodies made before the load), ${load.seconds} s per peer, against the example service in a process of its own; latency is from sending the request to the 201 that follows its commit. Single request = the median latency of one request alone (its commit included).`,
    `Driver heap after a full GC at the end: ${driverHeapMiB(ctx) ?? "n/a (not a local server)"} MiB.`,
  );
  return result;
}

interface RunningService {
  port: number;
  child: ChildProcess;
  location: string;
  stop(): Promise<void>;
}

/** The example service as it is run (`examples/api-service/main.ts`), in a process of its own. */
async function startService(ctx: BenchContext, commitPerRequest: boolean): Promise<RunningService> {
  const port = await freePort();
  const location = join(ctx.tableDir, "ingest", commitPerRequest ? "per_request" : "group");
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "examples/api-service/main.ts")], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SPARK_REMOTE: ctx.remote,
      PORT: String(port),
      ORDERS_LOCATION: location,
      LOG: "0",
      COMMIT_PER_REQUEST: commitPerRequest ? "1" : "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes("\nready\n")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += String(chunk);
    });
    child.once("exit", (code) =>
      reject(new Error(`the service exited (${code}) before it was ready: ${output.slice(-2000)}`)),
    );
  });
  return {
    port,
    child,
    location,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The median latency of one request alone (the first one warms up). */
async function singleRequestSeconds(port: number, runs: number): Promise<number> {
  const sums = emptyChecksums();
  const seconds: number[] = [];
  for (let r = 0; r <= runs; r++) {
    const orders = Array.from({ length: ORDERS_PER_REQUEST }, (_, i) =>
      makeOrder("single", r * 100 + i, sums).toJson(),
    );
    const start = process.hrtime.bigint();
    const answer = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(orders),
    });
    if (answer.status !== 201) throw new Error(`a single request got ${answer.status}: ${await answer.text()}`);
    if (r > 0) seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return summarize(seconds).median;
}

async function underLoad(
  ctx: BenchContext,
  service: RunningService,
  commitPerRequest: boolean,
  load: { connections: number; seconds: number },
): Promise<LoadResult> {
  const run = Date.now().toString(36);
  // Request bodies made before the load (making orders while measuring would load the generator, not the service);
  // more are made on the fly should they run out.
  const sums = emptyChecksums();
  const body = (first: number) =>
    JSON.stringify(Array.from({ length: ORDERS_PER_REQUEST }, (_, i) => makeOrder(run, first + i, sums).toJson()));
  const prepared = Array.from({ length: commitPerRequest ? 200 : 4000 }, (_, r) => body(r * ORDERS_PER_REQUEST));
  let requests = 0;
  // The first order number of each acknowledged request (each connection sends one request at a time).
  const acknowledgedBatches: number[] = [];
  let rssPeak = 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(service.child.pid));
  }, 500);
  const started = performance.now();
  try {
    const outcome = await autocannon({
      url: `http://127.0.0.1:${service.port}`,
      connections: load.connections,
      duration: load.seconds,
      timeout: 300,
      requests: [
        {
          method: "POST",
          path: "/orders",
          headers: { "content-type": "application/json" },
          setupRequest: (request, context) => {
            const r = requests++;
            (context as { first?: number }).first = r * ORDERS_PER_REQUEST;
            return { ...request, body: prepared[r] ?? body(r * ORDERS_PER_REQUEST) };
          },
          onResponse: (status, _body, context) => {
            if (status === 201) acknowledgedBatches.push((context as { first: number }).first);
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    // Requests still in flight are answered (and committed) before the service exits.
    await service.stop();
    const ids = (await (await ctx.spark.sql(`SELECT order_id FROM delta.\`${service.location}\``)).collect()).map((r) =>
      String(r.order_id),
    );
    const inTable = new Map<string, number>();
    for (const id of ids) inTable.set(id, (inTable.get(id) ?? 0) + 1);
    const acknowledged = new Set(
      acknowledgedBatches.flatMap((first) =>
        Array.from({ length: ORDERS_PER_REQUEST }, (_, i) => `ord_${run}_${first + i}`),
      ),
    );
    const history = await (await ctx.spark.sql(`DESCRIBE HISTORY delta.\`${service.location}\``)).collect();
    const commits = history.filter((h) => h.operation === "WRITE").length;
    return {
      acknowledged: acknowledged.size,
      failed: outcome.non2xx + outcome.errors + outcome.timeouts,
      seconds,
      latencyMs: { p50: outcome.latency.p50, p90: outcome.latency.p90, p99: outcome.latency.p99 },
      commits,
      rssPeakMiB: Math.round(rssPeak / 1024),
      table: {
        rows: ids.length,
        distinctIds: inTable.size,
        lost: [...acknowledged].filter((id) => !inTable.has(id)).length,
        duplicated: [...inTable.values()].filter((n) => n > 1).length,
        unacknowledged: [...inTable.keys()].filter((id) => !acknowledged.has(id)).length,
      },
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Resident memory of a process, in KiB (0 when it cannot be read). */
function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) || 0;
  } catch {
    return 0;
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
