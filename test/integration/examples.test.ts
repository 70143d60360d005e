/**
 * The examples of examples/backfill and examples/report against the real server, as their READMEs run them
 * (`npx tsx examples/<name>/main.ts …`, SPARK_REMOTE set) and through their functions: the backfill is exactly once
 * on a re-run and lists the lines it rejects; the report's sums equal Spark SQL's over the same table.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The examples import the published package (built dist), as a user's program would: so does this test.
import { SparkSession } from "@lakehouse-contracts/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { backfill } from "../../examples/backfill/backfill.js";
import { report } from "../../examples/report/report.js";
import { remote, tablePath } from "./helpers.js";

const root = join(import.meta.dirname, "../..");
const sample = join(root, "examples/backfill/orders.jsonl");

function example(name: string, args: readonly string[]) {
  const result = spawnSync("npx", ["--no", "--", "tsx", `examples/${name}/main.ts`, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, SPARK_REMOTE: remote() },
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let spark: SparkSession;
beforeAll(async () => {
  spark = await SparkSession.connect(remote());
});
afterAll(async () => {
  await spark?.close();
});

describe("examples/backfill", () => {
  test("as its README runs it: 120 orders written, then none again", () => {
    const location = tablePath("example_backfill");
    const first = example("backfill", [sample, "--location", location]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/: 120 orders written, 0 already there, 0 rejected/);
    const again = example("backfill", [sample, "--location", location]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 0 orders written, 120 already there, 0 rejected/);
  });

  test("a file with bad lines: those are listed with their reasons, sensitive values redacted; the rest written once", async () => {
    const location = tablePath("example_backfill_bad");
    const lines = readFileSync(sample, "utf8").trim().split("\n").slice(0, 10);
    const bad = { ...JSON.parse(lines[3] ?? "{}"), total: "12.345.6", customerNote: 12345 };
    const file = join(mkdtempSync(join(tmpdir(), "backfill-")), "orders.jsonl");
    writeFileSync(file, [...lines.slice(0, 3), JSON.stringify(bad), "{not json", ...lines.slice(4)].join("\n"));
    const result = await backfill(spark, file, { location, batchSize: 3 });
    expect(result.written).toBe(9);
    expect(result.rejected.map((r) => r.line)).toEqual([4, 5]);
    expect(result.rejected[0]?.reason).toMatch(/total: .*decimal/);
    expect(JSON.stringify(result.rejected)).not.toContain("12345");
    const again = await backfill(spark, file, { location, batchSize: 3 });
    expect(again).toMatchObject({ written: 0, alreadyThere: 9 });
    const [row] = await (await spark.sql(`SELECT count(*) AS n FROM delta.\`${location}\``)).collect();
    expect(row).toEqual({ n: 9n });
  });
});

describe("examples/report", () => {
  const location = tablePath("example_report");
  beforeAll(async () => {
    await backfill(spark, sample, { location });
  }, 240_000);

  test("its sums per channel equal Spark SQL's", async () => {
    const rows = await report(spark, { location });
    const expected = await (
      await spark.sql(
        `SELECT sales_channel AS channel, count(*) AS orders, CAST(sum(total_amount) AS STRING) AS revenue,
           sum(aggregate(lines, CAST(0 AS BIGINT), (acc, l) -> acc + l.quantity)) AS units
         FROM delta.\`${location}\` WHERE status IN ('STATUS_PAID', 'STATUS_SHIPPED') GROUP BY sales_channel`,
      )
    ).collect();
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.map((r) => ({ channel: r.channel, orders: r.orders, units: r.units, revenue: r.revenue }))).toEqual(
      expect.arrayContaining(
        expected.map((e) => ({
          channel: e.channel,
          orders: Number(e.orders),
          units: Number(e.units),
          revenue: e.revenue,
        })),
      ),
    );
    expect(rows).toHaveLength(expected.length);
    const since = await report(spark, {
      location,
      since: new Date("2026-01-01T00:01:00Z"),
      channel: "SALES_CHANNEL_WEB",
    });
    expect(since.map((r) => r.channel)).toEqual(["SALES_CHANNEL_WEB"]);
    expect(since[0]?.orders).toBeLessThanOrEqual(rows.find((r) => r.channel === "SALES_CHANNEL_WEB")?.orders ?? 0);
  });

  test("as its README runs it: a table of channels and a total", () => {
    const { code, stdout, stderr } = example("report", ["--location", location]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^channel\s+orders\s+units\s+revenue\n/);
    expect(stdout).toMatch(/^SALES_CHANNEL_\w+\s+\d+\s+\d+\s+\d+\.\d\d$/m);
    expect(stdout).toMatch(/^total\s+\d+\s+\d+\s+\d+\.\d\d\n$/m);
  });
});
