/**
 * `npx tsx examples/backfill/main.ts <orders.jsonl> [--location PATH | --table NAME] [--batch-size N]`: loads a JSON
 * Lines export of orders into the orders table once, against SPARK_REMOTE. Exit code 1 when lines were rejected.
 */
import { parseArgs } from "node:util";
import { SparkSession } from "@lakehouse-contracts/runtime";
import { backfill } from "./backfill.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { location: { type: "string" }, table: { type: "string" }, "batch-size": { type: "string" } },
});
const [file] = positionals;
if (file === undefined) {
  console.error("usage: main.ts <orders.jsonl> [--location PATH | --table NAME] [--batch-size N]");
  process.exit(2);
}
const spark = await SparkSession.connect(); // SPARK_REMOTE
try {
  const result = await backfill(spark, file, {
    ...(values.location === undefined ? {} : { location: values.location }),
    ...(values.table === undefined ? {} : { tableName: values.table }),
    ...(values["batch-size"] === undefined ? {} : { batchSize: Number(values["batch-size"]) }),
  });
  console.log(
    `${result.table}: ${result.written} orders written, ${result.alreadyThere} already there, ${result.rejected.length} rejected`,
  );
  for (const r of result.rejected.slice(0, 20)) console.log(`  line ${r.line}: ${r.reason}`);
  process.exitCode = result.rejected.length > 0 ? 1 : 0;
} finally {
  await spark.close();
}
