/**
 * Seeded values of every rule kind of the test contract CheckedRecord (contracts/lakehouse/test/v1/checks.proto):
 * valid, boundary and invalid ones, each as SQL (for a writer that bypasses the record classes) and as proto3 JSON
 * (for the client's validator). Shared by the differential test and the bypassing pyspark writer.
 */
/** A value of one field: as SQL for the bypassing writer, as proto3 JSON for the client's validator. */
export interface Case {
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

export const CASES: readonly Case[] = [
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
export const BASE: Readonly<Record<string, string>> = {
  id: "1",
  tags: "CAST(array() AS ARRAY<STRING>)",
  counts: "CAST(map() AS MAP<STRING, INT>)",
  inners: "CAST(array() AS ARRAY<STRUCT<quantity: INT, text: STRING, number: BIGINT>>)",
  required_text: "'x'",
};
