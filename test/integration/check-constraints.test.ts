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
import { connect, tablePath } from "./helpers.js";

/** A value of one field: as SQL for the bypassing writer, as proto3 JSON for the client's validator. */
interface Case {
  readonly column: string;
  readonly json: string;
  readonly sql: string;
  readonly value: unknown;
  /** The constraint a refused row must name (default: any constraint of the column). */
  readonly constraint?: string;
}

const c = (column: string, json: string, sql: string, value: unknown, constraint?: string): Case => ({
  column,
  json,
  sql,
  value,
  ...(constraint === undefined ? {} : { constraint }),
});

const CASES: readonly Case[] = [
  // numeric bounds, a range and an exclusive range
  c("small", "small", "1", 1),
  c("small", "small", "100", 100),
  c("small", "small", "0", 0),
  c("small", "small", "101", 101),
  c("outside", "outside", "-1", "-1"),
  c("outside", "outside", "11", "11"),
  c("outside", "outside", "0", "0"),
  c("outside", "outside", "10", "10"),
  c("ratio", "ratio", "CAST(0 AS DOUBLE)", 0),
  c("ratio", "ratio", "CAST(0.999 AS DOUBLE)", 0.999),
  c("ratio", "ratio", "CAST(1 AS DOUBLE)", 1),
  c("ratio", "ratio", "CAST(-0.001 AS DOUBLE)", -0.001),
  c("ratio", "ratio", "CAST('NaN' AS DOUBLE)", "NaN"),
  c("weight", "weight", "CAST(0.2 AS FLOAT)", 0.2),
  c("weight", "weight", "CAST(0.1 AS FLOAT)", 0.1),
  c("weight", "weight", "CAST('NaN' AS FLOAT)", "NaN"),
  c("weight", "weight", "CAST('Infinity' AS FLOAT)", "Infinity"),
  c("big", "big", "CAST(18446744073709551000 AS DECIMAL(20,0))", "18446744073709551000"),
  c("big", "big", "CAST(18446744073709551001 AS DECIMAL(20,0))", "18446744073709551001"),
  // const, in, not_in
  c("code", "code", "2", 2),
  c("code", "code", "4", 4),
  c("not_code", "notCode", "1", 1),
  c("not_code", "notCode", "13", 13),
  c("flag", "flag", "true", true),
  c("flag", "flag", "false", false),
  c("color", "color", "'red'", "red"),
  c("color", "color", "'blue'", "blue"),
  // string lengths in code points and in bytes
  c("name", "name", "'ab'", "ab"),
  c("name", "name", "'😀😀'", "😀😀"),
  c("name", "name", "'a'", "a"),
  c("name", "name", "'😀'", "😀"),
  c("name", "name", "'abcde'", "abcde"),
  c("exact", "exact", "'abc'", "abc"),
  c("exact", "exact", "'ab'", "ab"),
  c("exact", "exact", "'日本語'", "日本語"),
  c("short_bytes", "shortBytes", "'abcd'", "abcd"),
  c("short_bytes", "shortBytes", "'é€'", "é€"),
  c("short_bytes", "shortBytes", "'😀'", "😀"),
  c("short_bytes", "shortBytes", "'😀a'", "😀a"),
  // prefix, suffix, contains, not_contains
  c("sku", "sku", "'sk-1!'", "sk-1!"),
  c("sku", "sku", "'sk1-!'", "sk1-!", "sku_string_prefix"),
  c("sku", "sku", "'sk-!'", "sk-!"),
  c("sku", "sku", "'sk-1'", "sk-1", "sku_string_suffix"),
  c("no_at", "noAt", "'a.b'", "a.b"),
  c("no_at", "noAt", "'a@b'", "a@b"),
  // bytes
  c("blob", "blob", "X'01'", "AQ=="),
  c("blob", "blob", "X'010203'", "AQID"),
  c("blob", "blob", "X''", ""),
  c("blob", "blob", "X'01020304'", "AQIDBA=="),
  c("blob", "blob", "X'02'", "Ag=="),
  // enums
  c("level", "level", "'LEVEL_LOW'", "LEVEL_LOW"),
  c("level", "level", "'LEVEL_UNSPECIFIED'", "LEVEL_UNSPECIFIED"),
  c("not_zero", "notZero", "'LEVEL_HIGH'", "LEVEL_HIGH"),
  c("not_zero", "notZero", "'LEVEL_UNSPECIFIED'", "LEVEL_UNSPECIFIED"),
  // repeated: items, count, unique
  c("tags", "tags", "array('a', 'b')", ["a", "b"]),
  c("tags", "tags", "array('a', 'b', 'c')", ["a", "b", "c"]),
  c("tags", "tags", "array('a', 'a')", ["a", "a"]),
  c("tags", "tags", "array('')", [""]),
  // map: pairs, keys, values
  c("counts", "counts", "map('abc', 0)", { abc: 0 }),
  c("counts", "counts", "map('abcd', 1)", { abcd: 1 }),
  c("counts", "counts", "map('a', -1)", { a: -1 }),
  c("counts", "counts", "map('a', 1, 'b', 2, 'c', 3)", { a: 1, b: 2, c: 3 }),
  // a nested record: its fields and its required oneof, in a struct and in each record of a list
  c("inner", "inner", "named_struct('quantity', 1, 'text', 'x', 'number', CAST(NULL AS BIGINT))", {
    quantity: 1,
    text: "x",
  }),
  c("inner", "inner", "named_struct('quantity', 0, 'text', 'x', 'number', CAST(NULL AS BIGINT))", {
    quantity: 0,
    text: "x",
  }),
  c("inner", "inner", "named_struct('quantity', 1, 'text', CAST(NULL AS STRING), 'number', CAST(NULL AS BIGINT))", {
    quantity: 1,
  }),
  c("inners", "inners", "array(named_struct('quantity', 2, 'text', CAST(NULL AS STRING), 'number', 7L))", [
    { quantity: 2, number: "7" },
  ]),
  c("inners", "inners", "array(named_struct('quantity', -2, 'text', CAST(NULL AS STRING), 'number', 7L))", [
    { quantity: -2, number: "7" },
  ]),
  c(
    "inners",
    "inners",
    "array(named_struct('quantity', 2, 'text', CAST(NULL AS STRING), 'number', CAST(NULL AS BIGINT)))",
    [{ quantity: 2 }],
  ),
  // required (a field with presence: set)
  c("required_text", "requiredText", "CAST(NULL AS STRING)", null),
];

/** The columns every row sets: the NOT NULL ones (lists, maps, the id) and the required one. */
const BASE: Readonly<Record<string, string>> = {
  id: "1",
  tags: "CAST(array() AS ARRAY<STRING>)",
  counts: "CAST(map() AS MAP<STRING, INT>)",
  inners: "CAST(array() AS ARRAY<STRUCT<quantity: INT, text: STRING, number: BIGINT>>)",
  required_text: "'x'",
};

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
