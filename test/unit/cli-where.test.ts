/**
 * A malformed `--where` is one line naming what is wrong (never a TypeError, SyntaxError or RangeError stack), and it
 * is found before anything connects: the remote here has nothing listening.
 */
import { createServer } from "node:net";
import { beforeAll, expect, test } from "vitest";
import { lakehouse } from "./cli-harness.js";

let remote = "";
beforeAll(async () => {
  // A port that was free a moment ago: a CLI that connected first would fail on it in another way.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  remote = `sc://127.0.0.1:${port}`;
});

const CONTRACT = "./generated/shop/v1/order_lakehouse.ts#Order";

test.each([
  ["{bad json", /^lakehouse: --where is not JSON: .*line 1, column 2/],
  ["", /^lakehouse: --where is not JSON: /],
  [
    "null",
    /^lakehouse: --where must be a JSON object of conditions, like \{"orderId":"…"\} or \{"orderId":\{"gte":"…"\}\}, not null/,
  ],
  ["[1]", /^lakehouse: --where must be a JSON object .*, not an array/],
  ['{"and":"x"}', /^lakehouse: --where: "and" must be a list of conditions, not "x"/],
  ['{"or":[1]}', /^lakehouse: --where: or\[0\] must be a JSON object of conditions/],
  ['{"not":[]}', /^lakehouse: --where: "not" must be a JSON object of conditions, not an array/],
  ['{"orderId":{"in":"abc"}}', /^lakehouse: --where: orderId: "in" must be a list of values, not "abc"/],
  [
    '{"orderId":{"like":"a%"}}',
    /^lakehouse: --where: orderId: unknown comparison "like"; use eq, ne, gt, gte, lt, lte, in, isNull/,
  ],
  ['{"orderId":{"isNull":"yes"}}', /^lakehouse: --where: orderId: "isNull" must be true or false/],
  ['{"nope":1}', /^lakehouse: --where: shop\.v1\.Order has no field "nope"; filterable: orderId, customerId, status/],
  ['{"lines":{"eq":1}}', /^lakehouse: --where: lines: a list column cannot be compared/],
  ['{"total":{"gte":"abc"}}', /^lakehouse: --where: total: "abc" is not a decimal number/],
  ['{"total":{"gte":"1e999"}}', /^lakehouse: --where: total: "1e999" is not a decimal number/],
  ['{"placedAt":{"gte":"yesterday"}}', /^lakehouse: --where: placedAt: "yesterday" is not a timestamp/],
  ['{"status":"PAID"}', /^lakehouse: --where: status: "PAID" is not one of STATUS_UNSPECIFIED, STATUS_PLACED/],
  ['{"orderId":7}', /^lakehouse: --where: orderId: expected a string, not 7/],
])("--where %j", (where, message) => {
  const { code, stdout, stderr } = lakehouse(["query", "--contract", CONTRACT, "--where", where, "--remote", remote]);
  expect(stderr).toMatch(message);
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(code).toBe(2);
  expect(stdout).toBe("");
});
