/**
 * `npm run bench [-- --quick] [--out DIR] [--only insert,read,ingest,…] [--max-rows N] [--stream-rows N]
 * [--basic-sizes 1000,10000] [--order-sizes 1000] [--keep-tables]`: measure ours against what users
 * would use instead, on the same server, data and machine, in the same run; print and save a Markdown table, a JSON
 * file and an SVG chart (default bench/results/latest.{md,json} and throughput.svg).
 * The server: SPARK_REMOTE when set, else the project's local server (started, and stopped if this run started it).
 * Exit code 1 when any row/checksum/verdict check failed or a section failed.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SparkSession } from "@lakehouse-contracts/runtime";
import { cacheDir, repoRoot } from "../tools/lib/paths.js";
import { throughputSvg } from "./chart.js";
import { type BenchConfig, capRows, FULL, QUICK } from "./config.js";
import type { BenchContext } from "./context.js";
import { encodeSection } from "./encode.js";
import { environment } from "./environment.js";
import { generateSection } from "./generate.js";
import { ensureGoPeer } from "./go/peer.js";
import { ingestSection } from "./ingest.js";
import { insertSection } from "./insert.js";
import { ensureVenv } from "./python/venv.js";
import { readSection } from "./read.js";
import { type BenchReport, markdown } from "./report.js";
import { emptySection, type SectionResult } from "./results.js";
import { acquireServer } from "./spark.js";
import { typedReadSection } from "./typed-read.js";
import { validateSection } from "./validate.js";

const SECTIONS: Record<string, (ctx: BenchContext) => Promise<SectionResult>> = {
  insert: insertSection,
  read: readSection,
  "typed-read": typedReadSection,
  validate: validateSection,
  encode: encodeSection,
  generate: generateSection,
  ingest: ingestSection,
};

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    only: { type: "string" },
    "stream-rows": { type: "string" },
    "max-rows": { type: "string" },
    "basic-sizes": { type: "string" },
    "order-sizes": { type: "string" },
    "keep-tables": { type: "boolean", default: false },
  },
});

let config: BenchConfig = values.quick ? QUICK : FULL;
if (values["max-rows"]) config = capRows(config, Number(values["max-rows"]));
if (values["stream-rows"]) config = { ...config, streamRows: Number(values["stream-rows"]) };
const sizes = (text: string | undefined, fallback: readonly number[]) =>
  text === undefined ? fallback : text.split(",").filter(Boolean).map(Number);
config = {
  ...config,
  insertSizes: {
    basic: sizes(values["basic-sizes"], config.insertSizes.basic),
    order: sizes(values["order-sizes"], config.insertSizes.order),
  },
};
const only = values.only?.split(",") ?? Object.keys(SECTIONS);
const unknown = only.filter((s) => !(s in SECTIONS));
if (unknown.length > 0)
  throw new Error(`unknown section(s) ${unknown.join(", ")}; use ${Object.keys(SECTIONS).join(", ")}`);
const outDir = resolve(values.out ?? join(repoRoot, "bench", "results"));
const log = (line: string) => console.error(line);

const runId = `${new Date().toISOString().replaceAll(/[:.]/g, "-")}-${process.pid}`;
const workDir = join(cacheDir, "bench", "runs", runId);
// The server writes the tables: a folder it can see (BENCH_TABLE_DIR, e.g. its warehouse), else one under .cache.
const tableDir = join(
  process.env.BENCH_TABLE_DIR ?? workDir,
  process.env.BENCH_TABLE_DIR ? `bench-${runId}` : "tables",
);
mkdirSync(workDir, { recursive: true });
mkdirSync(tableDir, { recursive: true });
mkdirSync(outDir, { recursive: true });

const started = Date.now();
// Insert, read, typed-read and ingest talk to Spark (insert and read to pyspark too); validate, encode and generate run here.
const needsServer = only.some((s) => s === "insert" || s === "read" || s === "typed-read" || s === "ingest");
const needsPython = only.some((s) => s === "insert" || s === "read");
const python = needsPython ? ensureVenv(log) : undefined;
const goPeer = needsPython ? ensureGoPeer(log) : undefined;
const server = needsServer ? await acquireServer(log) : undefined;
const session = server ? await SparkSession.connect(server.remote) : undefined;
let failed = false;
try {
  const env = environment({
    ...(session && server ? { Spark: await session.version(), "Delta Lake": server.deltaVersion } : {}),
    ...(python ? { "pyspark-client": python.pyspark, pyarrow: python.pyarrow, Python: python.python } : {}),
    ...(goPeer ? { "spark-connect-go": goPeer.sparkConnectGo, Go: goPeer.go } : {}),
  });
  const ctx: BenchContext = {
    config,
    remote: server?.remote ?? "",
    serverPid: server?.pid,
    get spark() {
      if (session === undefined) throw new Error("this section needs a Spark server, and none was started");
      return session;
    },
    tableDir,
    workDir,
    log,
  };
  const report: BenchReport = {
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim().replace(/ --$/, ""),
    mode: config.mode,
    environment: env,
    sections: {},
  };
  for (const name of only) {
    log(`bench: ${name}…`);
    const t0 = Date.now();
    try {
      report.sections[name] = {
        ...(await (SECTIONS[name] as (c: BenchContext) => Promise<SectionResult>)(ctx)),
        seconds: (Date.now() - t0) / 1000,
      };
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`bench: ${name} failed: ${message}`);
      report.sections[name] = {
        ...emptySection(),
        seconds: (Date.now() - t0) / 1000,
        error: message.split("\n")[0] ?? message,
      };
    }
  }
  const md = `${markdown(report)}\nTotal: ${((Date.now() - started) / 1000).toFixed(0)} s.\n`;
  const checksFailed = Object.values(report.sections).some((s) => s.checks.some((c) => !c.ok));
  failed ||= checksFailed;
  writeFileSync(join(outDir, "latest.md"), md);
  writeFileSync(
    join(outDir, "latest.json"),
    `${JSON.stringify(report, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
  const figures = Object.values(report.sections).flatMap((s) => s.figures);
  writeFileSync(
    join(outDir, "throughput.svg"),
    throughputSvg(figures, `${report.command} · ${env.date.slice(0, 10)} · ${env.machine.cores} cores`),
  );
  console.log(md);
  log(`bench: wrote ${join(outDir, "latest.md")}, latest.json and throughput.svg`);
} finally {
  await session?.close().catch(() => undefined);
  await server?.release();
  if (!values["keep-tables"]) {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(tableDir, { recursive: true, force: true });
  }
}
if (failed) process.exitCode = 1;
