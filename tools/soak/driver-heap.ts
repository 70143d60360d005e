/**
 * `npm run soak -- --driver-heap [--commits 500] [--batch-size 20000] [--no-rotate]`: does a long-lived writer keep
 * the Spark driver's memory flat? `--commits` commits of `--batch-size` `shop.v1.Order`s through one
 * `RecordTable.writer()` into a local server with a 2 GB driver heap, the heap measured after a full GC
 * (`jcmd <pid> GC.run`, then `GC.heap_info`) as it goes, and the table checked at the end (exact count, every order
 * id once). `--no-rotate` never rotates the writer's session, to show what the rotation saves. Writes
 * tools/soak/results/driver-heap.json (or driver-heap-no-rotate.json).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { RecordTable, SparkSession } from "../../runtime/src/index.js";
import { repoRoot } from "../lib/paths.js";
import { start, stop } from "../spark/server.js";
import { emptyChecksums, makeOrder } from "./orders.js";

export interface DriverHeapOptions {
  commits: number;
  batchSize: number;
  rotate: boolean;
  say: (line: string) => void;
}

/** The driver's used heap after a full GC, in MiB. */
function heapAfterGc(pid: number): number {
  execFileSync("jcmd", [String(pid), "GC.run"]);
  const info = execFileSync("jcmd", [String(pid), "GC.heap_info"], { encoding: "utf8" });
  const used = /used (\d+)K/.exec(info)?.[1];
  if (used === undefined) throw new Error(`jcmd GC.heap_info printed no "used": ${info.slice(0, 200)}`);
  return Math.round(Number(used) / 1024);
}

export async function driverHeapSoak(options: DriverHeapOptions): Promise<boolean> {
  const { commits, batchSize, rotate, say } = options;
  const name = "driver-heap";
  const server = await start({ name, port: 15030, memory: "2g", log: say });
  const spark = await SparkSession.connect(server.remote);
  const heap: [number, number][] = [];
  const started = performance.now();
  try {
    const table = new RecordTable(spark, Order, { location: join(server.warehouse, `driver_heap_${Date.now()}`) });
    await table.ensureTable();
    const writer = table.writer({
      maxRecords: batchSize,
      ...(rotate ? {} : { rotateAfterBytes: Number.POSITIVE_INFINITY }),
    });
    const run = Date.now().toString(36);
    const sums = emptyChecksums();
    heap.push([0, heapAfterGc(server.pid)]);
    say(
      `driver-heap: ${commits} commits of ${batchSize} orders, session rotation ${rotate ? "on" : "off"}; heap ${heap[0]?.[1]} MiB`,
    );
    for (let c = 1; c <= commits; c++) {
      const batch = Array.from({ length: batchSize }, (_, i) => makeOrder(run, (c - 1) * batchSize + i, sums));
      await writer.write(batch);
      if (c === 1 || c === 10 || c % 50 === 0 || c === commits) {
        heap.push([c, heapAfterGc(server.pid)]);
        const seconds = (performance.now() - started) / 1000;
        say(
          `  commit ${c}: heap ${heap.at(-1)?.[1]} MiB, ${writer.stats.rotations} rotations, ${(seconds / c).toFixed(2)} s/commit`,
        );
      }
    }
    await writer.close();
    const [stats] = await (
      await spark.sql(`SELECT count(*) AS n, count(DISTINCT order_id) AS ids FROM ${table.target.sql}`)
    ).collect();
    const rows = commits * batchSize;
    const exact = stats?.n === BigInt(rows) && stats?.ids === BigInt(rows);
    const at = (commit: number) => heap.find(([c]) => c === commit)?.[1];
    const from = at(Math.min(50, commits)) ?? 0;
    const to = at(commits) ?? 0;
    const report = {
      date: new Date().toISOString(),
      command: `npm run soak -- --driver-heap --commits ${commits} --batch-size ${batchSize}${rotate ? "" : " --no-rotate"}`,
      machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version },
      driverHeap: "2g",
      commits,
      batchSize,
      rotations: writer.stats.rotations,
      seconds: Math.round((performance.now() - started) / 1000),
      heapAfterGcMiB: heap,
      growthMiB: { from: Math.min(50, commits), to: commits, MiB: to - from },
      table: { rows: Number(stats?.n), distinctIds: Number(stats?.ids), exact },
    };
    const out = join(repoRoot, "tools/soak/results");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, rotate ? "driver-heap.json" : "driver-heap-no-rotate.json"),
      `${JSON.stringify(report, null, 2)}\n`,
    );
    say(
      `driver-heap: heap after GC ${from} MiB at commit ${report.growthMiB.from}, ${to} MiB at commit ${commits} ` +
        `(${to - from >= 0 ? "+" : ""}${to - from} MiB); table ${exact ? "exact" : "MISMATCH"} (${stats?.n} rows)`,
    );
    return exact;
  } finally {
    await spark.close();
    await stop(name, say);
  }
}
