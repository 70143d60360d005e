/**
 * `npm run bench:bulk [-- --gb 0.25] [--bulk-batch 50000] [--direct-batch 20000] [--skip-direct]`: bulk ingest on
 * the project's standalone cluster (master + 2 workers, the Connect server as driver) with its object store, in one
 * run and on the same rows (`shop.v1.Order`, tools/soak/orders.ts):
 *   bulk    insertStream({ path: "bulk" }): batches staged as Parquet in the store, read and committed by the executors
 *   direct  insertStream({ path: "direct" }): batches uploaded into the session as Arrow, through the driver
 *   floor   the cluster's own write of the same rows, generated inside Spark: INSERT INTO … SELECT * FROM the bulk
 *           table (executors read Parquet and write Delta; no client, no driver in the data path)
 * with rows/s, the client's peak RSS and the driver's heap after a full GC before and after each phase. Every table
 * is checked (count, distinct ids, Σ total per channel). Writes bench/results/bulk.{json,md}.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Order } from "../generated/shop/v1/order_lakehouse.js";
import { encodeIpcStream } from "../runtime/src/arrow/ipc.js";
import { RecordTable, SparkSession, toArrow } from "../runtime/src/index.js";
import { repoRoot } from "../tools/lib/paths.js";
import { type Checksums, cents, emptyChecksums, makeOrder } from "../tools/soak/orders.js";
import { RssSampler } from "../tools/soak/rss.js";
import { start } from "../tools/spark/server.js";
import { sparkStoreSettings, startStore } from "../tools/store/server.js";
import { objectStoreOf } from "../tools/store/staging-store.js";

const { values } = parseArgs({
  options: {
    gb: { type: "string", default: "0.25" },
    "bulk-batch": { type: "string", default: "50000" },
    "direct-batch": { type: "string", default: "20000" },
    "skip-direct": { type: "boolean", default: false },
    out: { type: "string" },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const MiB = 1024 * 1024;

const store = await startStore({ name: "default", log: say });
const server = await start({
  name: "cluster",
  port: 15020,
  cluster: true,
  store: sparkStoreSettings(store),
  log: say,
});
if (!server.storeConfigured) {
  throw new Error(
    'the "cluster" instance runs without the object store: stop it (npm run spark -- stop --name cluster)',
  );
}

function heapAfterGcMiB(): number {
  execFileSync("jcmd", [String(server.pid), "GC.run"]);
  const info = execFileSync("jcmd", [String(server.pid), "GC.heap_info"], { encoding: "utf8" });
  const used = /used (\d+)K/.exec(info)?.[1];
  return used === undefined ? Number.NaN : Math.round(Number(used) / 1024);
}

const run = Date.now().toString(36);
const sample = Array.from({ length: 1000 }, (_, i) => makeOrder(run, i, emptyChecksums()));
const bytesPerRow = encodeIpcStream(toArrow(Order.descriptor, sample)).byteLength / sample.length;
const rows = Math.round((Number(values.gb) * 1e9) / bytesPerRow);
say(`bench:bulk: ${rows.toLocaleString("en")} orders (~${values.gb} GB of Arrow, ${bytesPerRow.toFixed(0)} B/row)`);

const spark = await SparkSession.connect(server.remote);
const staging = {
  store: await objectStoreOf(store),
  prefix: `bench/${run}`,
};

interface Phase {
  name: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  clientPeakRssMiB: number;
  driverHeapMiB: { before: number; after: number };
  ok: boolean;
}

async function check(table: RecordTable<Order>, sent: Checksums): Promise<boolean> {
  const found = await (
    await spark.sql(
      `SELECT sales_channel, count(*) AS n, count(DISTINCT order_id) AS ids, CAST(sum(total_amount) AS STRING) AS total
         FROM ${table.target.sql} GROUP BY sales_channel`,
    )
  ).collect();
  const byChannel = new Map(found.map((r) => [String(r.sales_channel), r]));
  return Object.entries(sent).every(([channel, want]) => {
    const got = byChannel.get(channel);
    return (
      got !== undefined &&
      BigInt(got.n as bigint) === BigInt(want.rows) &&
      BigInt(got.ids as bigint) === BigInt(want.rows) &&
      got.total === cents(want.totalCents)
    );
  });
}

async function timed(name: string, body: (rss: RssSampler) => Promise<boolean>): Promise<Phase> {
  const before = heapAfterGcMiB();
  const rss = new RssSampler(250);
  rss.start();
  const t0 = performance.now();
  const ok = await body(rss);
  const seconds = (performance.now() - t0) / 1000;
  rss.stop();
  const phase: Phase = {
    name,
    rows,
    seconds: Number(seconds.toFixed(1)),
    rowsPerSecond: Math.round(rows / seconds),
    clientPeakRssMiB: Math.round(rss.peak / MiB),
    driverHeapMiB: { before, after: heapAfterGcMiB() },
    ok,
  };
  say(
    `  ${name}: ${phase.rowsPerSecond.toLocaleString("en")} rows/s (${phase.seconds} s), client RSS peak ${phase.clientPeakRssMiB} MiB, driver heap ${before} → ${phase.driverHeapMiB.after} MiB, ${ok ? "checked" : "MISMATCH"}`,
  );
  return phase;
}

const ingest = (path: "bulk" | "direct", batchSize: number) => async (rss: RssSampler) => {
  const table = new RecordTable(spark, Order, { location: join(server.warehouse, `bench_${path}_${run}`), staging });
  await table.ensureTable();
  const sent = emptyChecksums();
  function* source() {
    for (let i = 0; i < rows; i++) yield makeOrder(run, i, sent);
  }
  const result = await table.insertStream(source(), { batchSize, path, onProgress: (p) => rss.mark(p.batches) });
  tables[path] = { table, sent };
  return result.inserted === rows && (await check(table, sent));
};
const tables: Partial<Record<"bulk" | "direct", { table: RecordTable<Order>; sent: Checksums }>> = {};

const phases: Phase[] = [];
try {
  phases.push(await timed("bulk", ingest("bulk", Number(values["bulk-batch"]))));
  if (!values["skip-direct"]) phases.push(await timed("direct", ingest("direct", Number(values["direct-batch"]))));
  phases.push(
    await timed("floor", async () => {
      const from = tables.bulk;
      if (!from) return false;
      const floor = new RecordTable(spark, Order, { location: join(server.warehouse, `bench_floor_${run}`) });
      await floor.ensureTable();
      await spark.sql(`INSERT INTO ${floor.target.sql} SELECT * FROM ${from.table.target.sql}`);
      return check(floor, from.sent);
    }),
  );
} finally {
  await spark.close();
}

const rate = (name: string) => phases.find((p) => p.name === name)?.rowsPerSecond;
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : Number((a / b).toFixed(2));
const report = {
  date: new Date().toISOString(),
  command: `npm run bench:bulk -- --gb ${values.gb}`,
  machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version },
  cluster: { masterUrl: server.masterUrl, workers: 2, coresPerWorker: 1 },
  rows,
  arrowBytesPerRow: Math.round(bytesPerRow),
  phases,
  ratios: {
    bulkOverFloor: ratio(rate("bulk"), rate("floor")),
    bulkOverDirect: ratio(rate("bulk"), rate("direct")),
    bulkOverSoak2117: ratio(rate("bulk"), 2117),
  },
  ok: phases.every((p) => p.ok),
};
const outDir = values.out ?? join(repoRoot, "bench/results");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "bulk.json"), `${JSON.stringify(report, null, 2)}\n`);
const md = [
  `# Bulk ingest on the cluster (${report.date.slice(0, 10)}, \`${report.command}\`)`,
  "",
  `${rows.toLocaleString("en")} \`Order\`s (${report.arrowBytesPerRow} B/row of Arrow), standalone cluster of 2 workers × 1 core on a ${report.machine.cores}-core machine.`,
  "",
  "| phase | rows/s | seconds | client RSS peak (MiB) | driver heap after GC (MiB) | checked |",
  "|---|---:|---:|---:|---:|---|",
  ...phases.map(
    (p) =>
      `| ${p.name} | ${p.rowsPerSecond.toLocaleString("en")} | ${p.seconds} | ${p.clientPeakRssMiB} | ${p.driverHeapMiB.before} → ${p.driverHeapMiB.after} | ${p.ok ? "yes" : "NO"} |`,
  ),
  "",
  `bulk / floor ${report.ratios.bulkOverFloor}×, bulk / direct ${report.ratios.bulkOverDirect}×, bulk / 2,117 rows/s (the 2 GB soak of 2026-11-25) ${report.ratios.bulkOverSoak2117}×.`,
  "",
].join("\n");
writeFileSync(join(outDir, "bulk.md"), md);
say(md);
process.exitCode = report.ok ? 0 : 1;
