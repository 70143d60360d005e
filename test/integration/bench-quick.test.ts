/**
 * `npm run bench -- --quick` against the test server: every section must produce figures, no section may fail, and
 * every correctness check must pass (insert: equal row counts and checksums across ours, pyspark-client and the
 * floor; read: row counts; validate: the same verdicts; encode: the same decoded table; generate: output written;
 * ingest: every acknowledged order in the table once).
 * Keeps the bench harness from rotting. Needs python3.11 (the bench creates its venv under .cache/bench on first use)
 * and Go (it builds the spark-connect-go peer, bench/go, into .cache/bench on first use).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, inject, test } from "vitest";
import type { BenchReport } from "../../bench/report.js";
import { repoRoot } from "../../tools/lib/paths.js";

const out = mkdtempSync(join(tmpdir(), "lakehouse-bench-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const SECTIONS = ["insert", "read", "typed-read", "validate", "encode", "generate", "ingest"];

test("the quick bench runs every section with passing row checks", () => {
  const warehouse = inject("sparkWarehouse");
  const run = spawnSync("npx", ["tsx", "bench/run.ts", "--quick", "--out", out], {
    cwd: repoRoot,
    env: { ...process.env, SPARK_REMOTE: inject("sparkRemote"), ...(warehouse ? { BENCH_TABLE_DIR: warehouse } : {}) },
    encoding: "utf8",
    timeout: 840_000,
  });
  const report = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as BenchReport;
  expect(Object.keys(report.sections)).toEqual(SECTIONS);
  for (const name of SECTIONS) {
    const section = report.sections[name];
    expect(section?.error, `${name} failed`).toBeUndefined();
    expect(section?.figures.length, `${name} has figures`).toBeGreaterThan(0);
    for (const figure of section?.figures ?? [])
      expect(figure.timing.median, `${name} ${figure.peer}`).toBeGreaterThan(0);
    expect(section?.checks.length, `${name} has checks`).toBeGreaterThan(0);
    for (const check of section?.checks ?? []) expect(check.ok, `${check.name}: ${check.detail}`).toBe(true);
  }
  // The insert checks compared all four writers; the headline compares ours with pyspark-client and the floor.
  const insert = report.sections.insert;
  expect(insert?.checks.every((c) => /ours: .*pyspark: .*floor: /.test(c.detail))).toBe(true);
  expect(insert?.comparisons.map((c) => c.peer)).toEqual(
    expect.arrayContaining(["pyspark-client", "floor (Spark)", "spark-connect-go"]),
  );
  // The Go peer (bench/go) wrote its own table, checked with the others, and read both contracts whole.
  expect(insert?.checks.every((c) => /floor: .*go: /.test(c.detail))).toBe(true);
  const goReads = report.sections.read?.figures.filter((f) => f.peer.startsWith("spark-connect-go")) ?? [];
  expect(goReads.map((f) => f.case)).toEqual(expect.arrayContaining(["basic, whole", "order, whole"]));
  expect(readFileSync(join(out, "latest.md"), "utf8")).toContain("## Headline");
  expect(readFileSync(join(out, "throughput.svg"), "utf8")).toMatch(/^<svg[\s\S]*<rect[\s\S]*<\/svg>\n$/);
  expect(run.status, run.stderr.slice(-3000)).toBe(0);
}, 900_000);
