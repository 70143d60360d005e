/**
 * The example order API (examples/api-service) against the real server, over real HTTP: concurrent requests
 * answered after their commits, bad orders refused with their reasons (sensitive values redacted), a retried
 * request written once, health and readiness, and a shutdown that commits the group still waiting.
 */

// The example imports the published package (built dist), as a user's service would: so does this test.
import { SparkSession } from "@lakehouse-contracts/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildService, type Service } from "../../examples/api-service/service.js";
import { emptyChecksums, makeOrder } from "../../tools/soak/orders.js";
import { remote, tablePath } from "./helpers.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await SparkSession.connect(remote());
});
afterAll(async () => {
  await spark?.close();
});

const sums = emptyChecksums();
const orders = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => makeOrder("api", from + i, sums).toJson());

async function started(options: Partial<Parameters<typeof buildService>[0]> = {}) {
  const service = await buildService({ spark, location: tablePath("api_orders"), ...options });
  await service.app.listen({ host: "127.0.0.1", port: 0 });
  const address = service.app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  return { service, post, url: `http://127.0.0.1:${port}` };
}

async function count(service: Service): Promise<{ n: bigint; ids: bigint }> {
  const [row] = await (
    await spark.sql(`SELECT count(*) AS n, count(DISTINCT order_id) AS ids FROM ${service.table.target.sql}`)
  ).collect();
  return row as { n: bigint; ids: bigint };
}

describe("the example order API", () => {
  test("40 concurrent requests of 5 orders: each answered 201 after its commit, few commits, all in the table", async () => {
    const { service, post } = await started({ writer: { maxDelayMs: 200 } });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, r) => post(orders(r * 5, 5))));
      expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
      const bodies = (await Promise.all(answers.map((a) => a.json()))) as { written: number; version: string }[];
      expect(bodies.every((b) => b.written === 5)).toBe(true);
      expect(new Set(bodies.map((b) => b.version)).size).toBeLessThanOrEqual(5);
      expect(await count(service)).toEqual({ n: 200n, ids: 200n });
    } finally {
      await service.shutdown();
    }
  });

  test("bad orders: 400 with every reason per order and field, sensitive values redacted, nothing written", async () => {
    const { service, post } = await started();
    try {
      const [good] = orders(1000, 1);
      const bad = { ...(good as object), orderId: "1004", customerNote: 12345, total: "12.345.6" };
      const answer = await post([good, bad]);
      expect(answer.status).toBe(400);
      const body = (await answer.json()) as {
        rejected: { index: number; issues: { path: string; value?: string }[] }[];
      };
      expect(body.rejected.map((r) => r.index)).toEqual([1]);
      const issues = body.rejected[0]?.issues ?? [];
      expect(issues.map((i) => i.path).sort()).toEqual(["customerNote", "total"]);
      expect(issues.find((i) => i.path === "customerNote")?.value).toBe("[redacted]");
      expect(JSON.stringify(body)).not.toContain("12345");
      expect(await count(service)).toEqual({ n: 0n, ids: 0n });
    } finally {
      await service.shutdown();
    }
  });

  test("a request retried with its Idempotency-Key is written once", async () => {
    const { service, post } = await started({ writer: { maxDelayMs: 20 } });
    try {
      const batch = orders(2000, 3);
      const first = await post(batch, { "idempotency-key": "req-1" });
      const again = await post(batch, { "idempotency-key": "req-1" });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
      expect(await count(service)).toEqual({ n: 3n, ids: 3n });
    } finally {
      await service.shutdown();
    }
  });

  test("health and readiness; shutdown commits the request still waiting for its group, then refuses", async () => {
    const { service, post, url } = await started({ writer: { maxDelayMs: 60_000 } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const waiting = post(orders(3000, 2));
    await new Promise((r) => setTimeout(r, 200));
    const stopping = service.shutdown();
    const answer = await waiting;
    await stopping;
    expect(answer.status).toBe(201);
    expect(await count(service)).toEqual({ n: 2n, ids: 2n });
    await expect(fetch(`${url}/orders`, { method: "POST" })).rejects.toThrow();
  });
});
