/**
 * The soak's quick mode, so its harness never rots: a small ingest through insertStream into the partitioned Order
 * table on the cluster, checked per partition against what was sent. The full soak (~2 GB) is `npm run soak`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { remote, tablePath } from "./helpers.js";

test("npm run soak -- --quick: every partition holds exactly what was sent", () => {
  const out = mkdtempSync(join(tmpdir(), "soak-"));
  const run = spawnSync("npx", ["tsx", "tools/soak/run.ts", "--quick", "--location", tablePath("soak"), "--out", out], {
    cwd: join(import.meta.dirname, "../.."),
    env: { ...process.env, SPARK_REMOTE: remote() },
    encoding: "utf8",
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toMatch(/soak: every partition matches what was sent/);
  const report = JSON.parse(readFileSync(join(out, "quick.json"), "utf8"));
  expect(report.ok).toBe(true);
  expect(report.partitions.map((p: { channel: string; ok: boolean }) => [p.channel, p.ok])).toEqual([
    ["SALES_CHANNEL_WEB", true],
    ["SALES_CHANNEL_APP", true],
    ["SALES_CHANNEL_STORE", true],
  ]);
  expect(report.batches).toBeGreaterThan(1);
  expect(report.rss.peakMiB).toBeGreaterThan(0);
}, 600_000);
