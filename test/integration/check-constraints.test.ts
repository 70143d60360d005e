/**
 * The table enforces the contract too: a contract's rules as Delta CHECK constraints, against the real server. A
 * writer that bypasses the record classes (plain Spark SQL on our session) is refused for every kind of rule the
 * table enforces, and the table and the client's validator give every seeded value (valid, boundary, invalid) the
 * same verdict.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CheckedRecord } from "../../generated/lakehouse/test/v1/checks_lakehouse.js";
import {
  isConstraintViolationError,
  RecordTable,
  type SparkSession,
  TableSchemaMismatchError,
} from "../../runtime/src/index.js";
import { BASE, CASES } from "./check-constraints.testdata.js";
import { connect, tablePath } from "./helpers.js";

describe("CHECK constraints from the contract's rules", () => {
  let spark: SparkSession;
  let table: RecordTable<CheckedRecord>;
  beforeAll(async () => {
    spark = await connect();
    table = new RecordTable(spark, CheckedRecord, { location: tablePath("checks") });
    expect(await table.ensureTable()).toBe("created");
  });
  afterAll(async () => {
    await spark?.close();
  });

  const insertSql = (row: Record<string, string>) => {
    const columns = Object.keys(row);
    return `INSERT INTO ${table.target.sql} (${columns.map((k) => `\`${k}\``).join(", ")}) VALUES (${columns.map((k) => row[k]).join(", ")})`;
  };

  test("the table has every constraint of the descriptor, and ensureTable finds no drift", async () => {
    const checks = CheckedRecord.descriptor.table?.checks ?? [];
    expect(checks.length).toBeGreaterThan(25);
    expect(Object.keys(await table.constraints()).sort()).toEqual(checks.map((c) => c.name).sort());
    expect(await table.ensureTable()).toBe("exists");
  });

  test("the table and the client's validator give every seeded value the same verdict", async () => {
    const verdicts: string[] = [];
    const refusedBy = new Set<string>();
    for (const [i, k] of CASES.entries()) {
      const json = { id: String(i + 1), requiredText: "x", [k.json]: k.value };
      const client = CheckedRecord.validate(CheckedRecord.fromJson(json)).kind;
      const server = await spark
        .sql(insertSql({ ...BASE, id: String(i + 1), [k.column]: k.sql }))
        .then(async (df) => {
          await df.collect();
          return "valid";
        })
        .catch((error: unknown) => {
          if (!isConstraintViolationError(error)) throw error;
          refusedBy.add(error.constraint);
          if (k.constraint !== undefined) expect(error.constraint).toBe(k.constraint);
          else expect(error.constraint.startsWith(k.column)).toBe(true);
          return "invalid";
        });
      verdicts.push(`${k.column} = ${k.sql}: client ${client}, table ${server}`);
      expect(`${k.column} = ${k.sql}: ${server}`).toBe(`${k.column} = ${k.sql}: ${client}`);
    }
    // Every kind of rule the table enforces refused a bypassing writer at least once.
    const kinds = (CheckedRecord.descriptor.table?.checks ?? []).map((c) => c.name);
    // `sku` must start with "sk-", so its `contains: "-"` is never the rule that fails; an empty blob fails
    // `prefix` as well as `min_len`, and Delta names one; an enum column holds names a record could not hold (below).
    expect(kinds.filter((name) => !refusedBy.has(name)).sort()).toEqual([
      "blob_bytes_min_len",
      "level_enum_defined_only",
      "sku_string_contains",
    ]);
    const bogus = await spark.sql(insertSql({ ...BASE, level: "'LEVEL_BOGUS'" })).catch((e: unknown) => e);
    expect(isConstraintViolationError(bogus) && bogus.constraint).toBe("level_enum_defined_only");
    expect(verdicts.length).toBe(CASES.length);
  });

  test("rules SQL cannot say exactly are the client's alone: the table takes what the validator refuses", async () => {
    for (const [column, json, sql] of [
      ["email", "email", "'not an email'"],
      ["pattern", "pattern", "'ABC'"],
    ] as const) {
      expect(CheckedRecord.validate(CheckedRecord.fromJson({ id: "900", requiredText: "x", [json]: "x y" })).kind).toBe(
        "invalid",
      );
      await (await spark.sql(insertSql({ ...BASE, id: "900", [column]: sql }))).collect();
    }
  });

  test("a constraint violation through a RecordTable names the field and rule, the sensitive value redacted", async () => {
    const stricter = new RecordTable(spark, CheckedRecord, { location: tablePath("checks_strict") });
    await stricter.ensureTable();
    // The table's rule is stricter than the client's (a newer contract's table, an older client).
    await spark.sql(`ALTER TABLE ${stricter.target.sql} DROP CONSTRAINT no_at_string_not_contains`);
    await spark.sql(
      `ALTER TABLE ${stricter.target.sql} ADD CONSTRAINT no_at_string_not_contains CHECK (no_at IS NULL OR NOT contains(no_at, '#'))`,
    );
    const error = await stricter
      .insertRecords([new CheckedRecord({ id: 1n, requiredText: "x", noAt: "secret#value" })])
      .catch((e: unknown) => e);
    expect(isConstraintViolationError(error)).toBe(true);
    if (!isConstraintViolationError(error)) return;
    expect(error).toMatchObject({
      code: "constraint_violation",
      constraint: "no_at_string_not_contains",
      field: "no_at",
      ruleId: "string.not_contains",
      values: { no_at: "[redacted]" },
    });
    expect(error.message).toBe(
      "no_at: violates the table's CHECK constraint no_at_string_not_contains (value: [redacted]) [string.not_contains]",
    );
    expect(JSON.stringify(error)).not.toContain("secret");
    const notSensitive = await stricter
      .insertRecords([new CheckedRecord({ id: 2n, requiredText: "x", small: 5, name: "ab" })])
      .then(() => "written");
    expect(notSensitive).toBe("written");
    // ensureTable reports the different constraint as drift, like a column's.
    const drift = await stricter.ensureTable().catch((e: unknown) => e);
    expect(drift).toBeInstanceOf(TableSchemaMismatchError);
    expect((drift as TableSchemaMismatchError).differences).toEqual([
      "~ constraint no_at_string_not_contains: the table checks no_at IS NULL OR NOT contains ( no_at , '#' ), the contract says (`no_at` IS NULL OR NOT contains(`no_at`, '@'))",
    ]);
    await spark.sql(`ALTER TABLE ${stricter.target.sql} DROP CONSTRAINT no_at_string_not_contains`);
    const missing = await stricter.ensureTable().catch((e: unknown) => e);
    expect((missing as TableSchemaMismatchError).differences).toEqual([
      "- constraint no_at_string_not_contains (no_at: string.not_contains): missing from the table",
    ]);
  });

  test("a table whose contract opts out, or createTableSql({ checkConstraints: false }), has no constraints", () => {
    expect(CheckedRecord.createTableSql({ checkConstraints: false })).not.toContain("delta.constraints");
    expect(CheckedRecord.createTableSql()).toContain("'delta.constraints.small_int32_gt_lte' = ");
  });

  test("a handle with checkConstraints: false makes its table without them, and their absence is no drift for it only", async () => {
    const location = tablePath("checks_off");
    const off = new RecordTable(spark, CheckedRecord, { location, checkConstraints: false });
    expect(await off.ensureTable()).toBe("created");
    expect(await off.constraints()).toEqual({});
    expect(await off.ensureTable()).toBe("exists");
    const strict = await new RecordTable(spark, CheckedRecord, { location }).checkSchema().catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(TableSchemaMismatchError);
    expect(String(strict)).toMatch(/constraint small_int32_gt_lte .*missing from the table/);
  });
});
