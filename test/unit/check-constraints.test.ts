/** protovalidate rules as Spark SQL (schema/src/check-constraints.ts): the table's CHECK constraints, once. */
import { describe, expect, test } from "vitest";
import { type RuleField, recordCheckConstraints, ruleEntrySql, type SparkType } from "../../schema/src/index.js";

const STRING: SparkType = { kind: "atomic", name: "STRING" };
const INT: SparkType = { kind: "atomic", name: "INT" };
const DOUBLE: SparkType = { kind: "atomic", name: "DOUBLE" };
const field = (column: string, type: SparkType, rules: Record<string, string>, extra: Partial<RuleField> = {}) =>
  ({ column, type, presence: false, rules: new Map(Object.entries(rules)), ...extra }) as RuleField;

describe("recordCheckConstraints", () => {
  test("each rule is a constraint named after its field and rule id; bounds of one block are one", () => {
    const { constraints, clientOnly } = recordCheckConstraints({
      fields: [
        field("sku", STRING, { "string.min_len": '"3"', "string.prefix": '"sk-"' }),
        field("qty", INT, { "int32.gt": "0", "int32.lte": "100" }, { presence: true }),
        field("ratio", DOUBLE, { "double.gte": "0" }),
        field("code", STRING, { "string.pattern": '"^[A-Z]+$"', "string.email": "true" }),
      ],
    });
    expect(constraints.map((c) => [c.name, c.rule, c.expression])).toEqual([
      ["sku_string_min_len", "string.min_len", "char_length(`sku`) >= 3"],
      ["sku_string_prefix", "string.prefix", "startswith(`sku`, 'sk-')"],
      ["qty_int32_gt_lte", "int32.gt_lte", "(`qty` IS NULL OR (`qty` > 0 AND `qty` <= 100))"],
      ["ratio_double_gte", "double.gte", "(NOT isnan(`ratio`) AND `ratio` >= CAST('0' AS DOUBLE))"],
    ]);
    expect(clientOnly.map((c) => `${c.field} ${c.rule}`)).toEqual(["code string.pattern", "code string.email"]);
  });

  test("nested records: struct fields where present, list records and map values through forall", () => {
    const inner = { fields: [field("n", INT, { "int32.gt": "0" })] };
    const struct: SparkType = { kind: "struct", typeName: "x.Inner", fields: [] };
    const { constraints } = recordCheckConstraints({
      fields: [
        field("s", struct, {}, { presence: true, record: inner }),
        field("l", { kind: "array", element: struct }, {}, { record: inner }),
        field("m", { kind: "map", key: STRING, value: INT }, { "map.values.int32.gte": "0", "map.max_pairs": '"2"' }),
        field("t", { kind: "array", element: STRING }, { "repeated.unique": "true" }),
      ],
    });
    expect(constraints.map((c) => [c.name, c.expression])).toEqual([
      ["s_n_int32_gt", "(`s` IS NULL OR (`s`.`n` IS NULL OR `s`.`n` > 0))"],
      ["l_n_int32_gt", "forall(`l`, e -> e IS NULL OR (e.`n` IS NULL OR e.`n` > 0))"],
      ["m_values_int32_gte", "forall(map_values(`m`), v -> v IS NULL OR v >= 0)"],
      ["m_map_max_pairs", "size(`m`) <= 2"],
      ["t_repeated_unique", "size(array_distinct(`t`)) = size(`t`)"],
    ]);
  });

  test("oneof required, enums by name, now-relative and CEL rules are client only", () => {
    const level = {
      values: [
        { name: "L_UNSPECIFIED", number: 0 },
        { name: "L_ONE", number: 1 },
      ],
      asInt: false,
    };
    const { constraints, clientOnly } = recordCheckConstraints({
      fields: [
        field("a", STRING, { "oneof.required": "true" }, { presence: true, oneof: "choice" }),
        field("b", INT, { "oneof.required": "true" }, { presence: true, oneof: "choice" }),
        field("lv", STRING, { "enum.defined_only": "true", "enum.not_in": "[0]" }, { enum: level }),
        field("at", { kind: "atomic", name: "TIMESTAMP" }, { "timestamp.lt_now": "true" }, { presence: true }),
        field("c", INT, { cel: '[{"id":"c.even","expression":"this % 2 == 0"}]' }),
      ],
      messageRules: ["record.rule"],
    });
    expect(constraints.map((c) => [c.name, c.expression])).toEqual([
      ["lv_enum_defined_only", "`lv` IN ('L_UNSPECIFIED', 'L_ONE')"],
      ["lv_enum_not_in", "`lv` NOT IN ('L_UNSPECIFIED')"],
      ["choice_required", "(`a` IS NOT NULL OR `b` IS NOT NULL)"],
    ]);
    expect(clientOnly.map((c) => `${c.field} ${c.rule}: ${c.reason}`)).toEqual([
      "(record) record.rule: custom CEL on the record",
      "at timestamp.lt_now: relative to now: Delta refuses non-deterministic constraints",
      "c c.even: custom CEL",
    ]);
  });
});

describe("ruleEntrySql (review's row checks)", () => {
  test("the violated form is the constraint's negation, NULL-safe", () => {
    const sql = ruleEntrySql("`x`", STRING, { presence: true, nullable: true }, "string.max_bytes", '"4"');
    expect(sql).toEqual({
      kind: "sql",
      id: "string.max_bytes",
      holds: "(`x` IS NULL OR octet_length(`x`) <= 4)",
      violated: "(`x` IS NOT NULL AND octet_length(`x`) > 4)",
    });
    expect(ruleEntrySql("`x`", STRING, { presence: false, nullable: false }, "string.pattern", '"a"').kind).toBe(
      "client",
    );
  });
});
