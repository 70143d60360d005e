/** BasicTestRecord rows: flat, one column of each everyday type. */
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import type { BenchContract } from "./contract.js";

export const basic: BenchContract<BasicTestRecord> = {
  name: "basic",
  recordClass: BasicTestRecord,
  row: (i) =>
    new BasicTestRecord({
      id: BigInt(i + 1),
      name: `name-${i}`,
      value: i * 0.25,
      isActive: i % 2 === 0,
      ingestSource: "bench",
    }),
  sqlColumns: [
    ["id", "id + 1"],
    ["name", "concat('name-', CAST(id AS STRING))"],
    ["value", "CAST(id AS DOUBLE) * 0.25D"],
    ["is_active", "id % 2 = 0"],
    ["ingest_id", "uuid()"],
    ["ingest_source", "'bench'"],
    ["created_at", "current_timestamp()"],
    ["updated_at", "current_timestamp()"],
  ],
  checksumColumns: ["id", "name", "value", "is_active", "ingest_source"],
};
