/**
 * Insert: the same N rows of a contract appended to a Delta table by
 *   ours            RecordTable.insertRecords(records): validate, encode, upload, idempotent append (txnAppId/
 *                   txnVersion), then find the commit in the table's history — what a user of the typed table calls;
 *   ours (DataFrame) spark.createDataFrame(arrowTable).write…append: our client doing exactly what pyspark does;
 *   pyspark-client  spark.createDataFrame(pyarrowTable).write.format("delta").mode("append").save(path);
 *   pyspark-client, same guarantees: the same append with txnAppId/txnVersion/userMetadata and the commit looked up
 *                   in DESCRIBE HISTORY, written by hand: what ours does, so ours ÷ it is our own overhead;
 *   floor           the same rows generated inside Spark (range + SQL) and inserted: the server's own cost;
 *   spark-connect-go the seed's Go client: CreateDataFrameFromArrow(table).Write().Format("delta").Mode("append")
 *                   .Save(path) (bench/go; it has no writer options, so no exactly-once append).
 * Every peer gets its own table (created from the contract), the same warm-up and run counts, so every table ends
 * with the same row count and checksum, which is checked before any figure counts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RecordTable } from "@lakehouse-contracts/runtime";
import { tableToIPC } from "apache-arrow";
import type { BenchContext } from "./context.js";
import { runGo } from "./go/peer.js";
import { runPython } from "./python/venv.js";
import { compare, emptySection, type Figure, type SectionResult } from "./results.js";
import { type BenchContract, checksumSql, deltaTable, floorInsertSql } from "./rows/contract.js";
import { CONTRACTS, records } from "./rows/index.js";
import { measure, rates, summarize, type Timing } from "./stats.js";

export const PEERS = {
  ours: "ours",
  oursDataFrame: "ours (DataFrame write)",
  pyspark: "pyspark-client",
  pysparkIdempotent: "pyspark-client, same guarantees",
  floor: "floor (Spark)",
  go: "spark-connect-go",
} as const;

export async function insertSection(ctx: BenchContext): Promise<SectionResult> {
  const result = emptySection();
  for (const contract of CONTRACTS) {
    for (const n of ctx.config.insertSizes[contract.name as "basic" | "order"]) {
      await insertCase(ctx, contract, n, result);
    }
  }
  result.notes.push(
    "ours = RecordTable.insertRecords: validates every record and makes an idempotent append (Delta txnAppId/txnVersion) and looks its commit up in DESCRIBE HISTORY; pyspark-client does none of that. ours (DataFrame write) is our client doing exactly what the pyspark code does.",
    "pyspark-client, same guarantees = the pyspark append with txnAppId/txnVersion/userMetadata and the DESCRIBE HISTORY lookup, written by hand (no validation): the limit for an exactly-once append. Delta reads a table's transaction state with a Spark job on every append that carries txnAppId, which is most of the gap to plain pyspark.",
    "floor = INSERT INTO … SELECT <the same rows as SQL expressions> FROM range(n): no client data at all.",
  );
  return result;
}

async function insertCase(ctx: BenchContext, contract: BenchContract, n: number, result: SectionResult) {
  const { spark, log } = ctx;
  const plan = ctx.config.insertPlan(n);
  const label = contract.name;
  const path = (peer: string) => join(ctx.tableDir, "insert", `${label}_${n}_${peer}`);
  const paths = {
    ours: path("ours"),
    oursDataFrame: path("ours_df"),
    pyspark: path("pyspark"),
    pysparkIdempotent: path("pyspark_idempotent"),
    floor: path("floor"),
    go: path("go"),
  };
  for (const p of Object.values(paths)) await spark.sql(contract.recordClass.createTableSql({ location: p }));

  // Inputs built before any timing: a user already has records (ours) or an Arrow table (the DataFrame peers).
  const recs = records(contract, n);
  const arrow = contract.recordClass.toArrow(recs);
  const ipc = join(ctx.workDir, `${label}_${n}.arrow`);
  writeFileSync(ipc, tableToIPC(arrow, "file"));

  const add = (peer: string, timing: Timing) => {
    const figure: Figure = {
      section: "insert",
      case: label,
      size: n,
      peer,
      unit: "rows/s",
      timing,
      rate: rates(n, timing).median,
    };
    result.figures.push(figure);
    log(`  insert ${label} ×${n} ${peer}: ${figure.rate?.toFixed(0)} rows/s (median ${timing.median.toFixed(3)} s)`);
  };

  add(PEERS.floor, await measure(plan, () => spark.sql(floorInsertSql(contract, deltaTable(paths.floor), n))));
  const py = await runPython<{ seconds: number[]; rows: number }>("insert.py", {
    remote: ctx.remote,
    ipc,
    path: paths.pyspark,
    ...plan,
  });
  add(PEERS.pyspark, summarize(py.seconds));
  const pyIdempotent = await runPython<{ seconds: number[]; rows: number }>("insert.py", {
    remote: ctx.remote,
    ipc,
    path: paths.pysparkIdempotent,
    idempotent: true,
    ...plan,
  });
  add(PEERS.pysparkIdempotent, summarize(pyIdempotent.seconds));
  const go = await runGo<{ seconds: number[]; rows: number }>({
    op: "insert",
    remote: ctx.remote,
    ipc,
    path: paths.go,
    ...plan,
  });
  add(PEERS.go, summarize(go.seconds));
  const table = new RecordTable(spark, contract.recordClass, { location: paths.ours });
  add(PEERS.ours, await measure(plan, () => table.insertRecords(recs)));
  add(
    PEERS.oursDataFrame,
    await measure(plan, async () => {
      const df = await spark.createDataFrame(arrow);
      await df.write.format("delta").mode("append").save(paths.oursDataFrame);
    }),
  );

  // Same rows everywhere: every table holds (warm-up + runs) × n rows with the same business checksum.
  const expected = BigInt((plan.warmup + plan.runs) * n);
  const sums = new Map<string, { n: bigint; h: string }>();
  for (const [peer, p] of Object.entries(paths)) {
    const [row] = await (await spark.sql(checksumSql(contract, deltaTable(p)))).collect();
    sums.set(peer, { n: row?.n as bigint, h: String(row?.h) });
  }
  const reference = sums.get("floor");
  const ok = [...sums.values()].every((s) => s.n === expected && s.h === reference?.h);
  result.checks.push({
    section: "insert",
    name: `${label} ×${n}: counts and checksums`,
    ok,
    detail:
      [...sums.entries()].map(([peer, s]) => `${peer}: ${s.n} rows, Σxxhash64 ${s.h}`).join("; ") +
      ` (expected ${expected} rows)`,
  });

  const c = (ours: string, peer: string, goal?: { ratio: number; text: string }) => {
    const comparison = compare(result.figures, "insert", label, n, ours, peer, goal);
    if (comparison) result.comparisons.push(comparison);
  };
  c(PEERS.ours, PEERS.pyspark, { ratio: 1, text: "≥ 1.0×" });
  c(PEERS.ours, PEERS.pysparkIdempotent, { ratio: 1, text: "≥ 1.0× (same work)" });
  c(PEERS.ours, PEERS.floor, n >= 1_000_000 ? { ratio: 1 / 1.5, text: "within 1.5× (at 1M rows)" } : undefined);
  c(PEERS.oursDataFrame, PEERS.pyspark);
  c(PEERS.ours, PEERS.go, { ratio: 1, text: "≥ 1.0×" });
  c(PEERS.oursDataFrame, PEERS.go);
}
