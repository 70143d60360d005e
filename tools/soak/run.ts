/**
 * `npm run soak -- --driver-heap …`: the driver-memory soak instead (see driver-heap.ts).
 *
 * `npm run soak [-- --quick] [--gb 2] [--batch-size 20000] [--location PATH]`: a large ingest through
 * `RecordTable.insertStream` into the partitioned `shop.v1.Order` Delta table on a Spark cluster, with progress,
 * the client's RSS sampled throughout, and at the end an exact count and checksum per partition against what was
 * sent. SPARK_REMOTE names the server (its --location must be a path every executor can write); without it the
 * project's local server is started in cluster mode (standalone master + 2 workers). Writes tools/soak/results/.
 * `--bulk`: the bulk path instead (each batch staged as Parquet in the project's object store, tools/store, started
 * here too, and read by the executors); results in bulk.json (quick-bulk.json).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { encodeIpcStream } from "../../runtime/src/arrow/ipc.js";
import { RecordTable, SparkSession, toArrow } from "../../runtime/src/index.js";
import { repoRoot } from "../lib/paths.js";
import { start } from "../spark/server.js";
import { sparkStoreSettings, startStore } from "../store/server.js";
import { objectStoreOf } from "../store/staging-store.js";
import { CHANNELS, type Checksums, cents, emptyChecksums, makeOrder } from "./orders.js";
import { RssSampler } from "./rss.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    gb: { type: "string" },
    "batch-size": { type: "string" },
    location: { type: "string" },
    out: { type: "string" },
    "driver-heap": { type: "boolean", default: false },
    commits: { type: "string" },
    "no-rotate": { type: "boolean", default: false },
    bulk: { type: "boolean", default: false },
  },
});
if (values["driver-heap"]) {
  const { driverHeapSoak } = await import("./driver-heap.js");
  const ok = await driverHeapSoak({
    commits: Number(values.commits ?? 500),
    batchSize: Number(values["batch-size"] ?? 20_000),
    rotate: !values["no-rotate"],
    say: (line) => process.stdout.write(`${line}\n`),
  });
  process.exit(ok ? 0 : 1);
}
const quick = values.quick ?? false;
const targetBytes = Number(values.gb ?? (quick ? 0.005 : 2)) * 1e9;
const batchSize = Number(values["batch-size"] ?? (quick ? 2_000 : 20_000));
const outDir = values.out ?? join(repoRoot, "tools/soak/results");
const MiB = 1024 * 1024;
const say = (line: string) => process.stdout.write(`${line}\n`);

const bulk = values.bulk ?? false;
let remote = process.env.SPARK_REMOTE;
let warehouse: string | undefined;
// The bulk path stages in the project's object store; a server of one's own must have been started with it
// (`npm run spark -- start --cluster --store default`).
const store = bulk ? await startStore({ name: "default", log: say }) : undefined;
if (!remote) {
  const server = await start({
    name: "cluster",
    port: 15020,
    cluster: true,
    ...(store ? { store: sparkStoreSettings(store) } : {}),
    log: say,
  });
  if (store && !server.storeConfigured) {
    throw new Error(
      'the "cluster" instance runs without the object store: stop it (npm run spark -- stop --name cluster)',
    );
  }
  remote = server.remote;
  warehouse = server.warehouse;
}
const location =
  values.location ?? join(warehouse ?? mkdtempSync(join(tmpdir(), "soak-")), `soak_orders_${Date.now()}`);
const run = Date.now().toString(36);

// Rows to send: the target size over the Arrow size of a sample batch of the same records.
const sample = Array.from({ length: 1000 }, (_, i) => makeOrder(run, i, emptyChecksums()));
const bytesPerRow = encodeIpcStream(toArrow(Order.descriptor, sample)).byteLength / sample.length;
const rows = Math.max(batchSize, Math.round(targetBytes / bytesPerRow));
say(
  `soak: ${rows.toLocaleString("en")} orders (~${((rows * bytesPerRow) / 1e9).toFixed(3)} GB of Arrow, ${bytesPerRow.toFixed(0)} B/row) in batches of ${batchSize.toLocaleString("en")} → ${location}`,
);

const spark = await SparkSession.connect(remote);
const sent: Checksums = emptyChecksums();
const rss = new RssSampler(250);
const startedAt = performance.now();
let result: Awaited<ReturnType<RecordTable<Order>["insertStream"]>>;
try {
  const staging = store
    ? {
        store: await objectStoreOf(store),
        prefix: `soak/${run}`,
      }
    : undefined;
  const table = new RecordTable(spark, Order, { location, staging });
  await table.ensureTable();
  function* source() {
    for (let i = 0; i < rows; i++) yield makeOrder(run, i, sent);
  }
  rss.start();
  const progressEvery = Math.max(1, Math.round(rows / batchSize / 20));
  result = await table.insertStream(source(), {
    batchSize,
    path: bulk ? "bulk" : "direct",
    onProgress: (p) => {
      rss.mark(p.batches);
      if (p.batches % progressEvery !== 0 && p.inserted < rows) return;
      const seconds = (performance.now() - startedAt) / 1000;
      say(
        `  ${((100 * p.inserted) / rows).toFixed(0).padStart(3)}%  ${p.inserted.toLocaleString("en")} rows  ${(p.inserted / seconds).toFixed(0)} rows/s  Delta v${p.lastVersion}  RSS ${(rss.current / MiB).toFixed(0)} MiB (peak ${(rss.peak / MiB).toFixed(0)})`,
      );
    },
  });
  rss.stop();
  const seconds = (performance.now() - startedAt) / 1000;

  // What the table holds, per partition, against what was sent.
  const df = await spark.sql(
    `SELECT sales_channel, count(*) AS n, count(DISTINCT order_id) AS ids, CAST(sum(total_amount) AS STRING) AS total,
            sum(aggregate(lines, 0L, (acc, l) -> acc + l.quantity)) AS quantity
       FROM ${table.target.sql} GROUP BY sales_channel`,
  );
  const found = new Map((await df.collect()).map((r) => [String(r.sales_channel), r]));
  const partitions = CHANNELS.map((channel) => {
    const want = sent[channel] ?? { rows: 0, totalCents: 0n, quantity: 0n };
    const got = found.get(channel);
    const ok =
      got !== undefined &&
      BigInt(got.n as bigint) === BigInt(want.rows) &&
      BigInt(got.ids as bigint) === BigInt(want.rows) &&
      got.total === cents(want.totalCents) &&
      BigInt(got.quantity as bigint) === want.quantity;
    return {
      channel,
      sent: { rows: want.rows, total: cents(want.totalCents), quantity: String(want.quantity) },
      found: got
        ? { rows: Number(got.n), distinctIds: Number(got.ids), total: got.total, quantity: String(got.quantity) }
        : null,
      ok,
    };
  });
  const extra = [...found.keys()].filter((k) => !(CHANNELS as readonly string[]).includes(k));
  const ok = partitions.every((p) => p.ok) && extra.length === 0 && result.inserted === rows;
  const report = {
    date: new Date().toISOString(),
    command: `npm run soak${quick || bulk ? " --" : ""}${quick ? " --quick" : ""}${bulk ? " --bulk" : ""}`,
    path: bulk ? "bulk" : "direct",
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version },
    server: { remote: remote.replace(/token=[^;]*/g, "token=[redacted]"), clusterMode: !process.env.SPARK_REMOTE },
    rows,
    batchSize,
    batches: result.batches,
    arrowBytesPerRow: Math.round(bytesPerRow),
    arrowGB: Number(((rows * bytesPerRow) / 1e9).toFixed(3)),
    seconds: Number(seconds.toFixed(1)),
    rowsPerSecond: Math.round(rows / seconds),
    mbPerSecond: Number(((rows * bytesPerRow) / 1e6 / seconds).toFixed(2)),
    rss: rss.summary(),
    partitions,
    ok,
  };
  mkdirSync(outDir, { recursive: true });
  const name = `${quick ? "quick" : bulk ? "bulk" : "latest"}${quick && bulk ? "-bulk" : ""}`;
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  say(
    `soak: ${rows.toLocaleString("en")} rows in ${seconds.toFixed(0)} s (${report.rowsPerSecond} rows/s, ${report.mbPerSecond} MB/s of Arrow); client RSS ${report.rss.baselineMiB} MiB after the first batch, peak ${report.rss.peakMiB} MiB (growth ${report.rss.growthMiB} MiB)`,
  );
  for (const p of partitions) {
    say(
      `  ${p.ok ? "ok " : "BAD"} ${p.channel}: sent ${p.sent.rows} rows Σtotal ${p.sent.total} Σqty ${p.sent.quantity}; table ${JSON.stringify(p.found)}`,
    );
  }
  if (extra.length) say(`  BAD unexpected partitions: ${extra.join(", ")}`);
  say(ok ? "soak: every partition matches what was sent" : "soak: MISMATCH between what was sent and the table");
  process.exitCode = ok ? 0 : 1;
} finally {
  rss.stop();
  await spark.close();
}
