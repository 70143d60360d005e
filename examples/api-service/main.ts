/**
 * `npm run example:api`: the order API on http://127.0.0.1:3000, against SPARK_REMOTE or the project's local Spark
 * Connect server (started here if none is named). SIGTERM or Ctrl-C: stop taking requests, commit what is queued,
 * exit.
 */
import { join } from "node:path";
import { SparkSession } from "@lakehouse-contracts/runtime";
import { start } from "../../tools/spark/server.js";
import { buildService } from "./service.js";

const remote = process.env.SPARK_REMOTE ?? (await start({ log: (line) => console.log(line) })).remote;
const spark = await SparkSession.connect(remote);
const warehouse = (await spark.conf.get("spark.sql.warehouse.dir"))?.replace(/^file:/, "") ?? "/tmp";
const location = process.env.ORDERS_LOCATION ?? join(warehouse, "example_orders");
const service = await buildService({
  spark,
  location,
  logger: process.env.LOG !== "0",
  // The naive design (a commit per request), for the benchmark that compares the two.
  commitPerRequest: process.env.COMMIT_PER_REQUEST === "1",
});
const port = Number(process.env.PORT ?? 3000);
await service.app.listen({ host: process.env.HOST ?? "127.0.0.1", port });
console.log(`orders API on http://127.0.0.1:${port}, writing to delta.\`${location}\``);
console.log("ready");

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`${signal}: committing what is queued, then exiting`);
  await service.shutdown();
  await spark.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
