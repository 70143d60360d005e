/** batchToRows (column by column) gives exactly what converting each cell through apache-arrow's own `get` gives. */
import type { RecordBatch } from "apache-arrow";
import { describe, expect, test } from "vitest";
import { order, records } from "../../bench/rows/index.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { converterFor } from "../../runtime/src/arrow/rows.js";
import { batchToRows, type Row, toArrow } from "../../runtime/src/index.js";
import { Wide, wideRecords } from "./records.testdata.js";

/** The reference: each cell through `vector.get(row)` and the per-value converter. */
function cellByCell(batch: RecordBatch): Row[] {
  const columns = batch.schema.fields.map((field, i) => ({
    name: field.name,
    vector: batch.getChildAt(i),
    convert: converterFor(field.type),
  }));
  return Array.from({ length: batch.numRows }, (_, r) => {
    const row: Row = {};
    for (const c of columns) row[c.name] = c.convert(c.vector?.get(r) ?? null);
    return row;
  });
}

describe("batchToRows", () => {
  test("nested records (structs, lists of structs, maps, oneofs, NULLs) equal the cell-by-cell conversion", () => {
    const orders = records(order, 300);
    // Some NULL structs, empty lists and empty maps among them.
    orders.forEach((o, i) => {
      if (i % 7 === 0) o.shippingAddress = undefined;
      if (i % 11 === 0) o.quantitiesBySku = new Map();
    });
    const [batch] = Order.toArrow(orders).batches;
    const rows = batchToRows(batch as RecordBatch);
    expect(rows).toHaveLength(300);
    expect(rows).toEqual(cellByCell(batch as RecordBatch));
    expect(rows.some((r) => r.shipping_address === null)).toBe(true);
  });

  test("a slice of a batch (offsets into shared buffers) converts the same way", () => {
    const [batch] = Order.toArrow(records(order, 50)).batches;
    const slice = (batch as RecordBatch).slice(7, 23);
    expect(batchToRows(slice)).toEqual(cellByCell(slice));
    expect(batchToRows(slice)[0]).toEqual(batchToRows(batch as RecordBatch)[7]);
  });

  test("every column type of the wide test record, extremes included", () => {
    const [batch] = toArrow(Wide, wideRecords).batches;
    expect(batchToRows(batch as RecordBatch)).toEqual(cellByCell(batch as RecordBatch));
  });
});
