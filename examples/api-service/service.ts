/**
 * An HTTP API that takes JSON orders, validates them at the door and writes the clean ones straight into the lake:
 * `POST /orders` decodes each order strictly with the generated class (`Order.safeFromJson`), checks its contract
 * rules (`Order.check`), answers 400 with every reason per field (sensitive values redacted) when one is bad, and
 * otherwise hands the orders to a group-commit writer and answers 201 once the Delta commit that holds them is in
 * the table, with its version. Many requests share one commit.
 *
 * Copy it: the pieces are the generated class, `RecordTable.writer()`, and Fastify.
 */
import {
  isCancelledError,
  isRecordsRejectedError,
  isWriterQueueFullError,
  type RecordIssue,
  RecordTable,
  type RecordWriterOptions,
  type SparkSession,
} from "@lakehouse-contracts/runtime";
import Fastify, { type FastifyInstance } from "fastify";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";

export interface ServiceOptions {
  spark: SparkSession;
  /** Where the orders table is: a Delta path (or use `tableName`). */
  location?: string;
  tableName?: string;
  writer?: RecordWriterOptions;
  /** The longest a request waits for its commit, in ms. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Write each request with its own `insertRecords` (one commit per request) instead of the group-commit writer:
   * the naive design, kept for the benchmark that compares the two.
   */
  commitPerRequest?: boolean;
  logger?: boolean;
}

export interface Service {
  app: FastifyInstance;
  table: RecordTable<Order>;
  /** Commits made by the service's writer, and records in them. */
  readonly stats: { commits: number; records: number };
  /** Stop taking requests, commit what is queued, release the writer's session. */
  shutdown(): Promise<void>;
}

/** One rejected order of a request: its place in the request and why. */
interface Rejected {
  index: number;
  issues: { path: string; message: string; rule?: string | undefined; value?: string | undefined }[];
}

export async function buildService(options: ServiceOptions): Promise<Service> {
  const table = new RecordTable(options.spark, Order, {
    ...(options.location === undefined ? {} : { location: options.location }),
    ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
  });
  await table.ensureTable();
  const writer = table.writer(options.writer);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 16 * 1024 * 1024 });
  let accepting = true;
  let shuttingDown: Promise<void> | undefined;

  app.post("/orders", async (request, reply) => {
    if (!accepting) return reply.code(503).send({ error: "shutting down" });
    const body = request.body;
    const items = Array.isArray(body) ? body : [body];
    const orders: Order[] = [];
    const rejected: Rejected[] = [];
    items.forEach((json, index) => {
      const decoded = Order.safeFromJson(json);
      const issues: readonly RecordIssue[] = decoded.ok ? Order.check(decoded.value) : decoded.error.issues;
      if (issues.length > 0) rejected.push({ index, issues: issues.map(describe) });
      else if (decoded.ok) orders.push(decoded.value);
    });
    if (rejected.length > 0) return reply.code(400).send({ error: "invalid orders", rejected });
    // An idempotency key makes a retried request (a client timeout, a proxy retry) write nothing twice.
    const key = request.headers["idempotency-key"];
    try {
      if (options.commitPerRequest) {
        const inserted = await table.insertRecords(orders);
        return reply.code(201).send({
          written: inserted.inserted,
          version: String(inserted.version),
          commitRecords: inserted.inserted,
          duplicate: false,
        });
      }
      const result = await writer.write(orders, {
        ...(typeof key === "string" ? { key } : {}),
        timeoutMs: options.requestTimeoutMs ?? 30_000,
      });
      return reply.code(201).send({
        written: result.written,
        version: String(result.version),
        commitRecords: result.commitRecords,
        duplicate: result.duplicate,
      });
    } catch (error) {
      if (isRecordsRejectedError(error)) return reply.code(400).send({ error: error.message });
      if (isWriterQueueFullError(error))
        return reply.code(503).header("retry-after", "1").send({ error: error.message });
      if (isCancelledError(error)) return reply.code(504).send({ error: error.message });
      request.log.error(error);
      return reply.code(500).send({ error: error instanceof Error ? error.message : String(error) });
    }
  });

  // Liveness: the process answers. Readiness: it takes orders and the Spark server answers.
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    if (!accepting) return reply.code(503).send({ status: "shutting down" });
    try {
      await options.spark.conf.get("spark.app.name", { timeoutMs: 2_000 });
      return { status: "ready", queued: writer.queued, commits: writer.stats.commits };
    } catch (error) {
      return reply.code(503).send({ status: "spark unavailable", error: (error as Error).message });
    }
  });

  return {
    app,
    table,
    stats: writer.stats,
    shutdown() {
      // New requests get 503; those in flight wait for their commits, so what is queued is committed now (not
      // after its delay), then the server closes once they are answered. Safe to call twice.
      shuttingDown ??= (async () => {
        accepting = false;
        await writer.flush();
        await app.close();
        await writer.close();
      })();
      return shuttingDown;
    },
  };
}

function describe(issue: RecordIssue): Rejected["issues"][number] {
  // Issue values are rendered by the runtime, `[redacted]` for sensitive fields.
  return {
    path: issue.path,
    message: issue.message,
    ...(issue.ruleId === undefined ? {} : { rule: issue.ruleId }),
    ...(issue.value === undefined ? {} : { value: issue.value }),
  };
}
