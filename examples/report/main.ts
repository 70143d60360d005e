/**
 * `npx tsx examples/report/main.ts [--location PATH | --table NAME] [--since 2026-01-01] [--channel SALES_CHANNEL_WEB]`:
 * revenue of paid and shipped orders per sales channel, against SPARK_REMOTE.
 */
import { parseArgs } from "node:util";
import { SparkSession } from "@lakehouse-contracts/runtime";
import { SalesChannel } from "../../generated/shop/v1/order_lakehouse.js";
import { report, reportText } from "./report.js";

const { values } = parseArgs({
  options: {
    location: { type: "string" },
    table: { type: "string" },
    since: { type: "string" },
    channel: { type: "string" },
  },
});
const channel = SalesChannel.values.find((v) => v.name === values.channel)?.name as SalesChannel | undefined;
if (values.channel !== undefined && channel === undefined) {
  console.error(`--channel: one of ${SalesChannel.values.map((v) => v.name).join(", ")}`);
  process.exit(2);
}
const spark = await SparkSession.connect(); // SPARK_REMOTE
try {
  const rows = await report(spark, {
    ...(values.location === undefined ? {} : { location: values.location }),
    ...(values.table === undefined ? {} : { tableName: values.table }),
    ...(values.since === undefined ? {} : { since: new Date(values.since) }),
    ...(channel === undefined ? {} : { channel }),
  });
  console.log(reportText(rows));
} finally {
  await spark.close();
}
