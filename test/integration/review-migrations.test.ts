/**
 * Contract review's migrations against the real server: for each case, the table is created from the old contract
 * (the generated record class's `ensureTable`), old records are inserted, the review's SQL is applied (checks,
 * then DDL or a rewrite), and then records of the new contract go in, the table matches the new contract
 * (`checkSchema`) and both generations of rows read back through the new class. Cases are grouped (every in-place
 * migration on one table, every rewrite on another) because each Delta statement costs about a second here.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, createFileRegistry } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, type FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { plugin } from "../../protoc-gen-lakehouse/src/index.js";
import { type ReviewReport, reviewContracts, underLocation } from "../../protoc-gen-lakehouse/src/review/index.js";
import { applyMigrations } from "../../runtime/src/cli/review.js";
import { RecordTable, type SparkSession } from "../../runtime/src/index.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { casePackageDir, fixturePair } from "../unit/review-harness.js";
import { connect, tablePath } from "./helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: record classes generated and loaded at run time
type AnyClass = any;

let spark: SparkSession;
beforeAll(async () => {
  spark = await connect();
});
afterAll(async () => {
  await spark?.close();
});

/** Generates, transpiles and imports the `Item` class of one side of a case (under .cache, so imports resolve). */
async function itemClass(name: string, side: "old" | "new", set: FileDescriptorSet): Promise<AnyClass> {
  const file = `${casePackageDir(name)}/v1/item.proto`;
  const response = plugin.run(
    create(CodeGeneratorRequestSchema, {
      fileToGenerate: [file],
      parameter: "target=ts,import_extension=js",
      protoFile: set.file,
    }),
  );
  if (response.error) throw new Error(response.error);
  const out = join(repoRoot, ".cache/review-migrations", name, side);
  for (const generated of response.file) {
    const js = ts.transpileModule(generated.content, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const path = join(out, generated.name.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, js);
  }
  const module = await import(pathToFileURL(join(out, file.replace(/\.proto$/, "_lakehouse.js"))).href);
  return module.Item;
}

interface Case {
  report: ReviewReport;
  Old: AnyClass;
  New: AnyClass;
  location: string;
}

async function prepare(name: string): Promise<Case> {
  const pair = fixturePair(name);
  const prefix = tablePath(`review_${name.replaceAll("-", "_")}`);
  const report = reviewContracts(createFileRegistry(pair.old), createFileRegistry(pair.new), {
    target: underLocation(prefix),
  });
  return {
    report,
    Old: await itemClass(name, "old", pair.old),
    New: await itemClass(name, "new", pair.new),
    location: `${prefix}/items`,
  };
}

const log = { write: () => true } as unknown as NodeJS.WritableStream;

describe("in place: rename, nested and top-level ADD COLUMNS, type widening, DROP NOT NULL, DROP COLUMN, CLUSTER BY, comment", () => {
  test("old rows survive, new rows go in, the table matches the new contract", async () => {
    const c = await prepare("combined-in-place");
    expect(c.report.migrations).toHaveLength(1);
    expect(c.report.migrations[0]?.rewrite).toBe(false);
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([
      new c.Old({
        id: 1n,
        name: "first",
        quantity: 3,
        weight: 1.5,
        price: "12.34",
        stock: 5n,
        region: "eu",
        size: { width: 2 },
        legacy: "x",
      }),
    ]);
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    await after.insertRecords([
      new c.New({
        id: 2n,
        name: "second",
        quantity: 4_000_000_000,
        weight: 1e300,
        price: "1234567890123.45",
        region: "us",
        size: { width: 1, height: 2 },
        note: "new",
      }),
    ]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(
      rows.map((r: AnyClass) => [
        r.id,
        r.name,
        r.quantity,
        r.weight,
        r.price,
        r.stock,
        r.region,
        r.size?.width,
        r.size?.height,
        r.note,
      ]),
    ).toEqual([
      [1n, "first", 3, 1.5, "12.34", 5n, "eu", 2, undefined, undefined],
      [2n, "second", 4_000_000_000, 1e300, "1234567890123.45", undefined, "us", 1, 2, "new"],
    ]);
  }, 300_000);
});

describe("rewrite: NOT NULL column added, BIGINT narrowed to INT, partitioning changed", () => {
  // A catalog table: Delta 4.4 refuses CREATE OR REPLACE with another schema on a path-based table
  // ("Specified schema does not match the existing schema"), so rewrites need a table name.
  test("rows are copied aside, the table replaced and the rows copied back", async () => {
    const name = `review_rewrite_${Date.now()}`;
    const pair = fixturePair("combined-rewrite");
    const report = reviewContracts(createFileRegistry(pair.old), createFileRegistry(pair.new), {
      target: () => `\`${name}\``,
    });
    const Old = await itemClass("combined-rewrite", "old", pair.old);
    const New = await itemClass("combined-rewrite", "new", pair.new);
    expect(report.migrations[0]?.rewrite).toBe(true);
    const before = new RecordTable(spark, Old, { tableName: `\`${name}\`` });
    await before.ensureTable();
    await before.insertRecords([
      new Old({ id: 1n, region: "eu", category: "tools", quantity: 7n, label: "l" }),
      new Old({ id: 2n, region: "us", category: "toys", quantity: 8n }),
    ]);
    expect(await applyMigrations(spark, report.migrations, log)).toBe(true);
    const after = new RecordTable(spark, New, { tableName: `\`${name}\`` });
    await after.checkSchema();
    await after.insertRecords([new New({ id: 3n, region: "eu", category: "tools", quantity: 9, sku: "sku-3" })]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(rows.map((r: AnyClass) => [r.id, r.region, r.category, r.quantity, r.label, r.sku])).toEqual([
      [1n, "eu", "tools", 7, "l", ""],
      [2n, "us", "toys", 8, undefined, ""],
      [3n, "eu", "tools", 9, undefined, "sku-3"],
    ]);
    const [detail] = await (await spark.sql(`DESCRIBE DETAIL \`${name}\``)).collect();
    expect((detail as { partitionColumns: string[] }).partitionColumns).toEqual(["category"]);
    await spark.sql(`DROP TABLE IF EXISTS \`${name}\``);
  }, 300_000);
});

describe("checks: tightened rules and a new primary key are checked against existing rows first", () => {
  test("violating rows stop the migration before any DDL", async () => {
    const c = await prepare("validation-tightened");
    const table = new RecordTable(spark, c.Old, { location: c.location });
    await table.ensureTable();
    await table.insertRecords([
      new c.Old({ id: 1n, sku: "ab", quantity: 0 }),
      new c.Old({ id: 2n, sku: "abc", quantity: 5 }),
    ]);
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WritableStream;
    expect(await applyMigrations(spark, c.report.migrations, sink)).toBe(false);
    expect(out.filter((l) => l.startsWith("check:"))).toEqual([
      "check: rows violating string.min_len on sku: 1 rows\n",
      "check: rows violating int32.gte on quantity: 1 rows\n",
    ]);
  }, 120_000);

  test("a new primary key passes when the existing rows are unique under it", async () => {
    const c = await prepare("primary-key-changed");
    const table = new RecordTable(spark, c.Old, { location: c.location });
    await table.ensureTable();
    await table.insertRecords([new c.Old({ id: 1n, region: "eu" }), new c.Old({ id: 1n, region: "us" })]);
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
  }, 120_000);
});

describe("a new table", () => {
  test("CREATE TABLE from the review matches the new contract", async () => {
    const c = await prepare("table-added");
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
    const prefix = c.location.replace(/\/items$/, "");
    const [row] = await (await spark.sql(`DESCRIBE DETAIL delta.\`${prefix}/shelves\``)).collect();
    expect((row as { format: string }).format).toBe("delta");
  }, 120_000);
});
