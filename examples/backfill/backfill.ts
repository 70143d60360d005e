/**
 * A one-shot backfill: a JSON Lines export of orders into the orders table, each order decoded strictly and checked
 * against its contract, in batches of one Delta commit each — exactly once: the writer's app id is the file's
 * content, so running it again (after a crash, a Ctrl-C, or by mistake) writes only the batches not yet committed.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { type RecordIssue, RecordTable, type SparkSession } from "@lakehouse-contracts/runtime";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";

export interface BackfillOptions {
  /** The Delta table: a path, or a name (default: the contract's table, `orders`). */
  readonly location?: string;
  readonly tableName?: string;
  /** Orders per commit (default 1,000). The same file must be re-run with the same batch size to resume. */
  readonly batchSize?: number;
}

export interface BackfillResult {
  readonly table: string;
  /** Orders written by this run. */
  readonly written: number;
  /** Orders an earlier run had already written (their batches were found, not sent again). */
  readonly alreadyThere: number;
  /** Lines that are not valid orders, with the first reason each (sensitive values redacted). */
  readonly rejected: readonly { line: number; reason: string }[];
}

export async function backfill(
  spark: SparkSession,
  file: string,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const orders = new RecordTable(spark, Order, {
    ...(options.location === undefined ? {} : { location: options.location }),
    ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
  });
  await orders.ensureTable(); // CREATE TABLE from the contract, or check that the table matches it
  const rejected: { line: number; reason: string }[] = [];
  const reason = (issues: readonly RecordIssue[]) => issues.map((i) => `${i.path}: ${i.message}`).join("; ");

  async function* valid(): AsyncGenerator<Order> {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        rejected.push({ line, reason: "not JSON" });
        continue;
      }
      const decoded = Order.safeFromJson(json); // strict proto3 JSON: every problem, per field
      const issues = decoded.ok ? Order.check(decoded.value) : decoded.error.issues; // the contract's rules
      if (decoded.ok && issues.length === 0) yield decoded.value;
      else rejected.push({ line, reason: reason(issues) });
    }
  }

  // The same file, the same app id: batch k is Delta's txnVersion k, so a re-run skips what is committed.
  const appId = `backfill-${createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 24)}`;
  const result = await orders.insertStream(valid(), { appId, firstVersion: 1, batchSize: options.batchSize ?? 1000 });
  return { table: String(orders.target), written: result.inserted, alreadyThere: result.resumed, rejected };
}
