/**
 * A record without a nested message survives its own formats (issue "No silent loss", item 2): the children of a
 * NULL struct hold whatever the writer left in their slots (empty text, zeros), which is no value and must not be
 * checked — `Order.fromArrow(Order.toArrow([order]))` threw for an order without `customer_snapshot`.
 */
import { tableFromIPC } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { expect, test } from "vitest";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { emptyChecksums, makeOrder } from "../../tools/soak/orders.js";

const orders = () => {
  const sums = emptyChecksums();
  const without = makeOrder("n", 1, sums);
  without.customerSnapshot = undefined;
  const with_ = makeOrder("n", 2, sums);
  with_.customerSnapshot = new Customer({ customerId: "cus_2", email: "a@b.c" });
  const emptyLines = makeOrder("n", 3, sums);
  return [without, with_, emptyLines];
};

test("Arrow: an order without its nested message reads back equal", () => {
  const records = orders();
  expect(Order.fromArrow(Order.toArrow(records)).map((o) => o.toJson())).toEqual(records.map((o) => o.toJson()));
});

test("Parquet: the file toParquet writes reads back equal", async () => {
  const records = orders();
  const table = tableFromIPC(readParquet(await Order.toParquet(records)).intoIPCStream());
  expect(Order.fromArrow(table).map((o) => o.toJson())).toEqual(records.map((o) => o.toJson()));
});
