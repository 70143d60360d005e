/**
 * One read peer of ours in its own process, so that its resident memory is its own: arguments as JSON on stdin,
 * one JSON line out (seconds per run, rows, RSS before the reads and the peak). Run by bench/read.ts.
 */
import { readFileSync } from "node:fs";
import { RecordTable, SparkSession } from "@lakehouse-contracts/runtime";
import { CONTRACTS } from "./rows/index.js";
import { measure } from "./stats.js";

export type ReadMode = "toArrow" | "rows" | "batches" | "records";

interface Args {
  remote: string;
  path: string;
  contract: string;
  mode: ReadMode;
  warmup: number;
  runs: number;
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const args = JSON.parse(Buffer.concat(chunks).toString()) as Args;
const contract = CONTRACTS.find((c) => c.name === args.contract);
if (!contract) throw new Error(`unknown contract ${args.contract}`);

const spark = await SparkSession.connect(args.remote);
await spark.range(1).collect(); // connection and first-call costs outside the measurement
const df = spark.read("delta", [args.path]);
const table = new RecordTable(spark, contract.recordClass, { location: args.path });
/**
 * VmRSS and VmHWM (peak) of this process from /proc. Not getrusage's maxRSS: Linux carries that over exec from the
 * parent at fork, so a child of a big parent would report the parent's peak.
 */
function statusMiB(key: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match?.[1] ?? Number.NaN) / 1024;
}
const baseline = statusMiB("VmRSS");
let rows = 0;

const bodies: Record<ReadMode, () => Promise<void>> = {
  toArrow: async () => {
    rows = (await df.toArrow()).numRows;
  },
  rows: async () => {
    rows = 0;
    for await (const _ of df.rows()) rows++;
  },
  batches: async () => {
    rows = 0;
    for await (const batch of df.batches()) rows += batch.numRows;
  },
  records: async () => {
    rows = 0;
    for await (const _ of table.stream()) rows++;
  },
};
// The client's CPU time (all threads) over the wall time of the runs: how much of a read is the client's own work.
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const timing = await measure(args, bodies[args.mode]);
const cpu = process.cpuUsage(cpuBefore);
const clientCpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
const peak = statusMiB("VmHWM");
await spark.close();
console.log(
  JSON.stringify({ seconds: timing.seconds, rows, rssBaselineMiB: baseline, rssPeakMiB: peak, clientCpuShare }),
);
