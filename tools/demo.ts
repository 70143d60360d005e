/**
 * `npm run demo`: the main job. Starts the local Spark Connect + Delta server unless SPARK_REMOTE names one,
 * then talks to it from Node.js: a query, a Delta table written and read back with bound parameters.
 * (Grows into the full records demo as the code generator and typed tables land.)
 */
import { join } from "node:path";
import { SparkSession } from "../runtime/src/index.js";
import { start } from "./spark/server.js";

const remote = process.env.SPARK_REMOTE ?? (await start()).remote;
const spark = await SparkSession.connect(remote);
try {
  console.log(`connected: Spark ${await spark.version()} (${spark})`);

  const [hello] = await (await spark.sql("SELECT 1 AS one, 'x' AS s")).collect();
  console.log("query:", hello);

  const warehouse = (await spark.conf.get("spark.sql.warehouse.dir"))?.replace(/^file:/, "") ?? "/tmp";
  const table = `delta.\`${join(warehouse, `demo_orders_${Date.now()}`)}\``;
  await spark.sql(`CREATE TABLE ${table} (id BIGINT, customer STRING, amount DECIMAL(10,2)) USING delta`);
  await spark.sql(`INSERT INTO ${table} VALUES (:id, :customer, :amount)`, {
    id: 1n,
    customer: "O'Brien; DROP TABLE orders", // a value, never SQL
    amount: 12.5,
  });
  console.log("rows:", await (await spark.sql(`SELECT * FROM ${table} WHERE id = ?`, [1n])).collect());
  const history = await (await spark.sql(`DESCRIBE HISTORY ${table}`)).collect();
  console.log("delta commits:", history.map((h) => `v${h.version} ${h.operation}`).join(", "));
} finally {
  await spark.close();
}
if (!process.env.SPARK_REMOTE) console.log("the local server keeps running; stop it with: npm run spark -- stop");
