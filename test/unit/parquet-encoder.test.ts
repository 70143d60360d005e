import { tableFromIPC } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { afterAll, expect, test } from "vitest";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { toArrow } from "../../runtime/src/index.js";
import { ParquetEncoder } from "../../runtime/src/staging/parquet-encoder.js";
import { emptyChecksums, makeOrder } from "../../tools/soak/orders.js";

const encoder = new ParquetEncoder(2);
afterAll(() => encoder.close());

test("worker threads turn Arrow tables into Parquet files that read back as the same records", async () => {
  const sums = emptyChecksums();
  const batches = [0, 1, 2].map((b) => Array.from({ length: 500 }, (_, i) => makeOrder("pq", b * 500 + i, sums)));
  const files = await Promise.all(batches.map((batch) => encoder.encode(toArrow(Order.descriptor, batch))));
  for (const [b, file] of files.entries()) {
    expect(new TextDecoder().decode(file.subarray(0, 4))).toBe("PAR1");
    const table = tableFromIPC(readParquet(file).intoIPCStream());
    const back = Order.fromArrow(table);
    expect(back.map((o) => o.toJson())).toEqual(batches[b]?.map((o) => o.toJson()));
  }
});
