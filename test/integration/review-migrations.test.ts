/**
 * Contract review's migrations against the real server: for each case, the table is created from the old contract
 * (the generated record class's `ensureTable`), old records are inserted, the review's SQL is applied (checks,
 * then DDL or a rewrite), and then records of the new contract go in, the table matches the new contract
 * (`checkSchema`) and both generations of rows read back through the new class. Cases are grouped (every in-place
 * migration on one table; every rewrite reason on one catalog table and one path table, whose plans differ) because
 * each Delta statement costs about a second here. Also: the backfill of fields added inside a struct (and what the
 * new class does without it), fields added to the records of a list or a map (in place, with the backfill that
 * rebuilds their elements, and in a rewrite), a catalog table's rename with `--apply`'s refusal of breaking
 * reviews, and the checks of tightened rules, also on fields inside structs, lists and maps.
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { createFileRegistry } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  exitCodeOf,
  reviewContracts,
  type StatementPurpose,
  type TableTarget,
  underLocation,
} from "../../review/src/index.js";
import { applyMigrations, applyReview } from "../../runtime/src/cli/review.js";
import { RecordTable, type SparkSession } from "../../runtime/src/index.js";
import { fixturePair } from "../unit/review-harness.js";
import { connect, tablePath } from "./helpers.js";
import { type AnyClass, type Case, itemClass, prepare } from "./review-fixture-classes.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await connect();
});
afterAll(async () => {
  await spark?.close();
});

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

describe("rewrite: NOT NULL column added, field added inside a struct, BIGINT narrowed to INT, partitioning changed", () => {
  // A catalog table is replaced with CREATE OR REPLACE TABLE; a path table cannot be (Delta 4.4: "The specified
  // schema does not match the existing schema"), so it is emptied and replaced by a SHALLOW CLONE of an empty table
  // of the new schema. Both must end with the new contract's schema (NOT NULLs included) and every row.
  const stamp = Date.now();
  test.each([
    ["a catalog table", "catalog"],
    ["a path table", "path"],
  ] as const)(
    "%s: rows are copied aside, the table gets the new schema and the rows come back",
    async (_, kind) => {
      const pair = fixturePair("combined-rewrite");
      const location = `${tablePath("review_rewrite")}/items`;
      const name = `review_rewrite_${stamp}`;
      const target: TableTarget = kind === "path" ? underLocation(dirname(location)) : () => `\`${name}\``;
      const where = kind === "path" ? { location } : { tableName: `\`${name}\`` };
      const report = reviewContracts(createFileRegistry(pair.old), createFileRegistry(pair.new), { target });
      const Old = await itemClass("combined-rewrite", "old", pair.old);
      const New = await itemClass("combined-rewrite", "new", pair.new);
      expect(report.migrations[0]?.rewrite).toBe(true);
      const before = new RecordTable(spark, Old, where);
      await before.ensureTable();
      await before.insertRecords([
        new Old({ id: 1n, region: "eu", category: "tools", quantity: 7n, label: "l", size: { width: 1.5 } }),
        new Old({ id: 2n, region: "us", category: "toys", quantity: 8n }),
      ]);
      const out: string[] = [];
      const sink = { write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WritableStream;
      expect(await applyMigrations(spark, report.migrations, sink)).toBe(true);
      expect(out[0]).toMatch(/\(rewrite\)/);
      if (kind === "path") {
        // The clone's source was empty: the table shares no files with it, and both helper tables can go.
        expect(out.join("")).toMatch(/SHALLOW CLONE/);
        rmSync(`${location}__review_backup`, { recursive: true, force: true });
        rmSync(`${location}__review_schema`, { recursive: true, force: true });
      }
      const after = new RecordTable(spark, New, where);
      await after.checkSchema();
      await after.insertRecords([
        new New({ id: 3n, region: "eu", category: "tools", quantity: 9, sku: "sku-3", size: { width: 2, depth: 4 } }),
      ]);
      const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
      expect(
        rows.map((r: AnyClass) => [
          r.id,
          r.region,
          r.category,
          r.quantity,
          r.label,
          r.sku,
          r.size?.width,
          r.size?.depth,
        ]),
      ).toEqual([
        [1n, "eu", "tools", 7, "l", "", 1.5, 0],
        [2n, "us", "toys", 8, undefined, "", undefined, undefined],
        [3n, "eu", "tools", 9, undefined, "sku-3", 2, 4],
      ]);
      const table = kind === "path" ? `delta.\`${location}\`` : `\`${name}\``;
      const [detail] = await (await spark.sql(`DESCRIBE DETAIL ${table}`)).collect();
      // The comment too: a path table's clone keeps its own, so the plan sets the new one after it.
      expect(detail).toMatchObject({ partitionColumns: ["category"], description: "Items on sale." });
      if (kind === "catalog") await spark.sql(`DROP TABLE IF EXISTS \`${name}\``);
    },
    300_000,
  );
});

describe("a field without presence added inside a struct", () => {
  test("reads of old rows fail until the backfill gives them the proto3 default; a NULL struct stays NULL", async () => {
    const c = await prepare("nested-field-added");
    expect(c.report.verdict).toBe("needs-migration");
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([new c.Old({ id: 1n, size: { width: 1 } }), new c.Old({ id: 2n })]);
    const only = (keep: (purpose: StatementPurpose) => boolean) =>
      c.report.migrations.map((m) => ({ ...m, statements: m.statements.filter((s) => keep(s.purpose)) }));
    // ADD COLUMNS alone: the table matches the new contract, but the old row holds NULL in size.height, size.unit
    // and size.tags, which the new class refuses to read (Delta keeps fields under a nullable struct nullable).
    expect(
      await applyMigrations(
        spark,
        only((p) => p !== "backfill"),
        log,
      ),
    ).toBe(true);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    await expect(after.query()).rejects.toThrow(/size\.height: is NULL, and the field is not nullable/);
    expect(
      await applyMigrations(
        spark,
        only((p) => p === "backfill"),
        log,
      ),
    ).toBe(true);
    await after.insertRecords([
      new c.New({ id: 3n, size: { width: 2, height: 3, unit: "UNIT_CM", tags: ["a"], note: "n" } }),
    ]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(
      rows.map((r: AnyClass) => [r.id, r.size?.width, r.size?.height, r.size?.unit, r.size?.tags, r.size?.note]),
    ).toEqual([
      [1n, 1, 0, "UNIT_UNSPECIFIED", [], undefined],
      [2n, undefined, undefined, undefined, undefined, undefined],
      [3n, 2, 3, "UNIT_CM", ["a"], "n"],
    ]);
  }, 300_000);
});

describe("fields added to the records of a list or a map", () => {
  /** The plan without its backfill, or the backfill alone. */
  const only = (c: Case, keep: (purpose: StatementPurpose) => boolean) =>
    c.report.migrations.map((m) => ({ ...m, statements: m.statements.filter((s) => keep(s.purpose)) }));

  test("an optional field: ADD COLUMNS lines.element.note in place; old elements read back without it", async () => {
    const c = await prepare("array-element-field-added");
    expect(c.report.verdict).toBe("safe");
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([new c.Old({ id: 1n, lines: [{ sku: "a", quantity: 1 }] })]);
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    await after.insertRecords([new c.New({ id: 2n, lines: [{ sku: "b", quantity: 2, note: "gift" }] })]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(rows.map((r: AnyClass) => r.lines.map((l: AnyClass) => [l.sku, l.quantity, l.note]))).toEqual([
      [["a", 1, undefined]],
      [["b", 2, "gift"]],
    ]);
  }, 300_000);

  test("inside list elements and map values: types widened and a comment set in place", async () => {
    const c = await prepare("array-element-changed");
    expect(c.report.migrations[0]?.rewrite).toBe(false);
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([
      new c.Old({ id: 1n, lines: [{ sku: "a", quantity: 1 }], stock: new Map([["eu", { count: 2 }]]) }),
    ]);
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    await after.insertRecords([
      new c.New({
        id: 2n,
        lines: [{ sku: "b", quantity: 4_000_000_000 }],
        stock: new Map([["us", { count: 4_000_000_001 }]]),
      }),
    ]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(
      rows.map((r: AnyClass) => [
        r.lines.map((l: AnyClass) => [l.sku, l.quantity]),
        [...r.stock].map(([k, v]: [string, AnyClass]) => [k, v.count]),
      ]),
    ).toEqual([
      [[["a", 1]], [["eu", 2]]],
      [[["b", 4_000_000_000]], [["us", 4_000_000_001]]],
    ]);
  }, 300_000);

  test("fields without presence in list elements: reads fail until the backfill rebuilds the elements with defaults", async () => {
    const c = await prepare("array-element-field-added-not-null");
    expect(c.report.verdict).toBe("needs-migration");
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([
      new c.Old({
        id: 1n,
        lines: [
          { sku: "a", quantity: 1 },
          { sku: "b", quantity: 2 },
        ],
      }),
      new c.Old({ id: 2n }),
    ]);
    expect(
      await applyMigrations(
        spark,
        only(c, (p) => p !== "backfill"),
        log,
      ),
    ).toBe(true);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    // The old elements hold NULL in discount and unit, which the new class refuses to read.
    await expect(after.query()).rejects.toThrow(/discount: is NULL, and the field is not nullable/);
    expect(
      await applyMigrations(
        spark,
        only(c, (p) => p === "backfill"),
        log,
      ),
    ).toBe(true);
    await after.insertRecords([
      new c.New({ id: 3n, lines: [{ sku: "c", quantity: 3, discount: 0.5, unit: "UNIT_PIECE" }] }),
    ]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(
      rows.map((r: AnyClass) => [r.id, r.lines.map((l: AnyClass) => [l.sku, l.quantity, l.discount, l.unit])]),
    ).toEqual([
      [
        1n,
        [
          ["a", 1, 0, "UNIT_UNSPECIFIED"],
          ["b", 2, 0, "UNIT_UNSPECIFIED"],
        ],
      ],
      [2n, []],
      [3n, [["c", 3, 0.5, "UNIT_PIECE"]]],
    ]);
  }, 300_000);

  test("map values: ADD COLUMNS stock.value.location and .reserved, the backfill rebuilds the values", async () => {
    const c = await prepare("map-value-field-added");
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([
      new c.Old({
        id: 1n,
        stock: new Map([
          ["eu", { count: 1 }],
          ["us", { count: 2 }],
        ]),
      }),
      new c.Old({ id: 2n }),
    ]);
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    await after.insertRecords([
      new c.New({ id: 3n, stock: new Map([["eu", { count: 3, location: "shelf 4", reserved: 2n }]]) }),
    ]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(
      rows.map((r: AnyClass) => [
        r.id,
        [...r.stock].map(([k, v]: [string, AnyClass]) => [k, v.count, v.location, v.reserved]),
      ]),
    ).toEqual([
      [
        1n,
        [
          ["eu", 1, undefined, 0n],
          ["us", 2, undefined, 0n],
        ],
      ],
      [2n, []],
      [3n, [["eu", 3, "shelf 4", 2n]]],
    ]);
  }, 300_000);

  test("a rewrite copies lists and maps back element by element (no CAST of array<struct>)", async () => {
    const c = await prepare("collection-fields-rewrite");
    expect(c.report.migrations[0]?.rewrite).toBe(true);
    const before = new RecordTable(spark, c.Old, { location: c.location });
    await before.ensureTable();
    await before.insertRecords([
      new c.Old({ id: 1n, lines: [{ sku: "a", quantity: 1 }], stock: new Map([["eu", { count: 4 }]]) }),
    ]);
    expect(await applyMigrations(spark, c.report.migrations, log)).toBe(true);
    rmSync(`${c.location}__review_backup`, { recursive: true, force: true });
    rmSync(`${c.location}__review_schema`, { recursive: true, force: true });
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    await after.insertRecords([
      new c.New({
        id: 2n,
        lines: [{ sku: "b", quantity: 2, discount: 1.5, note: "n" }],
        stock: new Map([["us", { count: 5, reserved: 1n }]]),
        channel: "web",
      }),
    ]);
    const rows = await after.query(undefined, { orderBy: [{ field: "id" }] });
    expect(
      rows.map((r: AnyClass) => [
        r.id,
        r.channel,
        r.lines.map((l: AnyClass) => [l.sku, l.quantity, l.discount, l.note]),
        [...r.stock].map(([k, v]: [string, AnyClass]) => [k, v.count, v.reserved]),
      ]),
    ).toEqual([
      [1n, "", [["a", 1, 0, undefined]], [["eu", 4, 0n]]],
      [2n, "web", [["b", 2, 1.5, "n"]], [["us", 5, 1n]]],
    ]);
  }, 300_000);
});

describe("a catalog table renamed (the table option's name)", () => {
  test("breaking: --apply refuses without --allow-breaking; with it, ALTER TABLE … RENAME TO keeps the rows", async () => {
    const pair = fixturePair("table-renamed");
    const stamp = Date.now();
    const named = (t: { name: string }) => `\`review_${t.name}_${stamp}\``;
    const report = reviewContracts(createFileRegistry(pair.old), createFileRegistry(pair.new), { target: named });
    expect(report.verdict).toBe("breaking");
    expect(exitCodeOf(report)).toBe(1);
    const from = named({ name: "items" });
    const to = named({ name: "catalog_items" });
    expect(report.migrations[0]?.statements.map((s) => `[${s.purpose}] ${s.sql}`)).toEqual([
      `[ddl] ALTER TABLE ${from} RENAME TO ${to}`,
    ]);
    const Old = await itemClass("table-renamed", "old", pair.old);
    const New = await itemClass("table-renamed", "new", pair.new);
    const old = new RecordTable(spark, Old, { tableName: from });
    await old.ensureTable();
    await old.insertRecords([new Old({ id: 1n })]);
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WritableStream;
    const refuse = () => Promise.reject(new Error("a refused --apply must not connect"));
    expect(await applyReview(report, { allowBreaking: false, connect: refuse }, sink)).toBe(1);
    expect(out.join("")).toMatch(/not applied: the review has breaking changes/);
    expect(await old.count()).toBe(1n);
    expect(await applyReview(report, { allowBreaking: true, connect: () => connect() }, sink)).toBe(0);
    const renamed = new RecordTable(spark, New, { tableName: to });
    await renamed.checkSchema();
    await renamed.insertRecords([new New({ id: 2n })]);
    const rows = await renamed.query(undefined, { orderBy: [{ field: "id" }] });
    expect(rows.map((r: AnyClass) => r.id)).toEqual([1n, 2n]);
    const [gone] = await (await spark.sql(`SHOW TABLES LIKE 'review_items_${stamp}'`)).collect();
    expect(gone).toBeUndefined();
    await spark.sql(`DROP TABLE IF EXISTS ${to}`);
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
      "check: rows violating the new CHECK constraint sku_string_min_len (sku: string.min_len): 1 rows\n",
      "check: rows violating the new CHECK constraint quantity_int32_gte (quantity: int32.gte): 1 rows\n",
    ]);
    // The query that lists them is printed for a person to look at.
    expect(out).toContain(
      `  the rows: SELECT * FROM delta.\`${c.location}\` WHERE NOT coalesce(char_length(\`sku\`) >= 3, false)\n`,
    );
  }, 120_000);

  test("rules tightened or added on fields of nested messages: checked inside the struct, list and map", async () => {
    const c = await prepare("nested-validation-tightened");
    const table = new RecordTable(spark, c.Old, { location: c.location });
    await table.ensureTable();
    const clean = [
      new c.Old({
        id: 3n,
        lines: [{ sku: "c", quantity: 2 }],
        shippingAddress: { countryCode: "DE", city: "Berlin" },
        stock: new Map([["eu", { count: 0 }]]),
      }),
      // No address, no lines, no stock: nothing inside to violate (`required` counts only in a present struct).
      new c.Old({ id: 4n }),
    ];
    await table.insertRecords([
      // Valid under the old contract: quantity ≥ 0, country code and stock count free.
      new c.Old({
        id: 1n,
        lines: [
          { sku: "a", quantity: 3 },
          { sku: "b", quantity: 0 },
        ],
        shippingAddress: { countryCode: "USA", city: "Boston", contactEmail: "not an address" },
        stock: new Map([
          ["eu", { count: 1 }],
          ["us", { count: -1 }],
        ]),
      }),
      new c.Old({ id: 2n, shippingAddress: { countryCode: "", city: "Oslo" } }),
      ...clean,
    ]);
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WritableStream;
    expect(await applyMigrations(spark, c.report.migrations, sink)).toBe(false);
    expect(out.filter((l) => l.startsWith("check:"))).toEqual([
      "check: rows violating the new CHECK constraint shipping_address_country_code_string_len (shipping_address.country_code: string.len): 2 rows\n",
      "check: rows violating the new CHECK constraint shipping_address_country_code_required (shipping_address.country_code: required): 1 rows\n",
      "check: rows violating the new CHECK constraint stock_count_int32_gte (stock.count: int32.gte): 1 rows\n",
      "check: rows violating the new CHECK constraint lines_quantity_int32_gte (lines.quantity: int32.gte): 1 rows\n",
    ]);
    // Without the violating rows the checks pass; the email rule, which SQL cannot say, is left to a person.
    await (await spark.sql(`DELETE FROM delta.\`${c.location}\` WHERE id IN (1, 2)`)).collect();
    out.length = 0;
    expect(await applyMigrations(spark, c.report.migrations, sink)).toBe(true);
    expect(out.filter((l) => l.startsWith("check:")).every((l) => l.endsWith(": 0 rows\n"))).toBe(true);
    expect(out).toContain(
      "-- no SQL check for rule string.email on shipping_address.contact_email: verify existing rows\n",
    );
    // The constraints with a lambda came through the shallow clone: the table has the new contract's constraints
    // and its rows, and refuses a bypassing writer.
    const after = new RecordTable(spark, c.New, { location: c.location });
    await after.checkSchema();
    expect((await after.query()).map((r: AnyClass) => r.id).sort()).toEqual([3n, 4n]);
    const refused = await spark
      .sql(
        `INSERT INTO delta.\`${c.location}\` (id, lines, stock) VALUES (9, array(named_struct('sku', 'x', 'quantity', 0)), CAST(map() AS MAP<STRING, STRUCT<count: INT>>))`,
      )
      .then((df) => df.collect())
      .catch((e: unknown) => e);
    expect(String(refused)).toContain("lines_quantity_int32_gte");
  }, 180_000);

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
