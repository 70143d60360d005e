/**
 * Contract review, one contract pair per change kind (test/review-fixtures/<case>): the changes found, their
 * severity, the verdict, and the Delta migration SQL.
 */
import { describe, expect, test } from "vitest";
import type { StatementPurpose } from "../../review/src/index.js";
import { byContractName, exitCodeOf } from "../../review/src/index.js";
import { fixtureCases, reviewFixture } from "./review-harness.js";

interface Expected {
  verdict: string;
  /** `severity kind` of every change, in report order. */
  changes: string[];
  /** `[purpose] sql` of every statement of every migration. */
  sql: string[];
}

const T = "delta.`/lake/items`";
const BACKUP = "delta.`/lake/items__review_backup`";
const SCHEMA = "delta.`/lake/items__review_schema`";
/** The rewrite of a path table: rows aside, emptied, replaced by a clone of an empty table of the new schema. */
const rewrite = (create: string, select: string, comment?: string): string[] => [
  `[rewrite] CREATE TABLE ${BACKUP} USING delta AS SELECT * FROM ${T}`,
  `[rewrite] CREATE TABLE ${SCHEMA} ${create}`,
  `[rewrite] DELETE FROM ${T}`,
  `[rewrite] CREATE OR REPLACE TABLE ${T} SHALLOW CLONE ${SCHEMA}`,
  // The clone keeps the table's own comment: a changed one is set after it.
  ...(comment === undefined ? [] : [`[rewrite] ALTER TABLE ${T} SET TBLPROPERTIES ('comment' = '${comment}')`]),
  `[rewrite] INSERT INTO ${T} SELECT ${select} FROM ${BACKUP}`,
  `[manual] -- delete the folders of ${BACKUP} and ${SCHEMA} once the table is checked`,
];

/** nested-validation-tightened's new constraints. */
const NESTED_LEN =
  "(`shipping_address` IS NULL OR (`shipping_address`.`country_code` IS NULL OR char_length(`shipping_address`.`country_code`) = 2))";
const NESTED_REQUIRED =
  "(`shipping_address` IS NULL OR (`shipping_address`.`country_code` IS NOT NULL AND `shipping_address`.`country_code` <> ''))";
const NESTED_STOCK = "forall(map_values(`stock`), v -> v IS NULL OR (v.`count` IS NULL OR v.`count` >= 0))";
const NESTED_LINES = "forall(`lines`, e -> e IS NULL OR (e.`quantity` IS NULL OR e.`quantity` >= 1))";
const CONSTRAINTS_COPY = "delta.`/lake/items__review_constraints`";

/** combined-rewrite's struct, rebuilt field by field: the new `depth` gets its proto3 default, a NULL struct stays NULL. */
const COMBINED_SIZE = "IF(`size` IS NULL, NULL, named_struct('width', `size`.`width`, 'depth', CAST(0 AS INT)))";

/** collection-fields-rewrite's list and map, rebuilt element by element with the new fields' defaults. */
const COLLECTION_LINES =
  "transform(`lines`, e -> IF(e IS NULL, NULL, named_struct('sku', e.`sku`, 'quantity', e.`quantity`, 'discount', CAST(0 AS DOUBLE), 'note', CAST(NULL AS STRING))))";
const COLLECTION_STOCK =
  "transform_values(`stock`, (k, v) -> IF(v IS NULL, NULL, named_struct('count', v.`count`, 'reserved', CAST(0 AS BIGINT))))";

const EXPECTED: Record<string, Expected> = {
  // ---- safe
  "table-added": {
    verdict: "safe",
    changes: ["safe table-added"],
    sql: [
      "[ddl] CREATE TABLE IF NOT EXISTS delta.`/lake/shelves` (`id` BIGINT NOT NULL, `label` STRING NOT NULL COMMENT 'Shelf label.') USING delta COMMENT 'Where items are kept.'",
    ],
  },
  "column-added-nullable": {
    verdict: "safe",
    changes: ["safe column-added", "safe column-added", "safe column-added"],
    sql: [
      `[ddl] ALTER TABLE ${T} ADD COLUMNS (\`size\`.\`height\` DOUBLE, \`note\` STRING COMMENT 'A free-text note.', \`seen_at\` TIMESTAMP)`,
    ],
  },
  "array-element-field-added": {
    // An optional field added to the records of a list (the most common change of an order's lines): a nullable
    // field of the elements, in place with Delta's path for it.
    verdict: "safe",
    changes: ["safe column-added"],
    sql: [`[ddl] ALTER TABLE ${T} ADD COLUMNS (\`lines\`.\`element\`.\`note\` STRING COMMENT 'Gift message.')`],
  },
  "array-element-changed": {
    // Inside the records of a list and a map, Delta widens types and sets comments in place, by element/value path.
    verdict: "safe",
    changes: ["safe column-comment-changed", "safe column-type-widened", "safe column-type-widened"],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`lines\`.\`element\`.\`quantity\` TYPE BIGINT`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`stock\`.\`value\`.\`count\` TYPE BIGINT`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`lines\`.\`element\`.\`sku\` COMMENT 'Stock keeping unit.'`,
    ],
  },
  "comment-changed": {
    verdict: "safe",
    changes: ["safe table-comment-changed", "safe column-comment-changed", "safe column-sensitivity-changed"],
    sql: [
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`name\` COMMENT 'Display name, as shown in the shop.'`,
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('comment' = 'Items on sale, one row per item.')`,
    ],
  },
  "widen-int-bigint": {
    // int32 → uint32 keeps the wire and JSON format and widens INT to BIGINT; the decimal option widens DECIMAL.
    verdict: "safe",
    changes: ["safe column-type-widened", "safe column-type-widened"],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`quantity\` TYPE BIGINT`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`price\` TYPE DECIMAL(18,2)`,
    ],
  },
  "widen-float-double": {
    // The column widens in place, but float → double changes the wire type (fixed32 → fixed64): buf says breaking.
    verdict: "breaking",
    changes: ["safe column-type-widened", "breaking field-type-changed"],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`weight\` TYPE DOUBLE`,
    ],
  },
  "validation-relaxed": {
    // Safe for existing rows, but the table's constraint refuses the newly allowed values until it is replaced.
    verdict: "needs-migration",
    changes: ["safe validation-relaxed", "needs-migration table-constraints-changed"],
    sql: [
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(char_length(\`name\`) >= 1, false)`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS name_string_min_len`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT name_string_min_len CHECK (char_length(\`name\`) >= 1)`,
    ],
  },
  // ---- needs migration
  "column-added-not-null": {
    verdict: "needs-migration",
    changes: ["needs-migration column-added-not-null", "needs-migration column-added-not-null"],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `sku` STRING NOT NULL, `stock` INT NOT NULL) USING delta",
      "`id` AS `id`, '' AS `sku`, CAST(0 AS INT) AS `stock`",
    ),
  },
  "column-renamed": {
    verdict: "needs-migration",
    changes: ["needs-migration column-renamed"],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
      `[ddl] ALTER TABLE ${T} RENAME COLUMN \`name\` TO \`display_name\``,
    ],
  },
  "partitioning-changed": {
    verdict: "needs-migration",
    changes: ["needs-migration partitioning-changed"],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `region` STRING NOT NULL, `category` STRING NOT NULL) USING delta PARTITIONED BY (`category`)",
      "`id` AS `id`, `region` AS `region`, `category` AS `category`",
    ),
  },
  "clustering-changed": {
    verdict: "needs-migration",
    changes: ["needs-migration clustering-changed"],
    sql: [`[ddl] ALTER TABLE ${T} CLUSTER BY (\`region\`)`],
  },
  "primary-key-changed": {
    verdict: "needs-migration",
    changes: ["needs-migration primary-key-changed"],
    sql: [
      `[check] SELECT COUNT(*) AS violations FROM (SELECT \`id\`, \`region\` FROM ${T} GROUP BY \`id\`, \`region\` HAVING COUNT(*) > 1)`,
    ],
  },
  "validation-tightened": {
    verdict: "needs-migration",
    // Each rule's new constraint is checked whole (the rows Delta's ADD CONSTRAINT would refuse), dropped where it
    // changes, and added after the other changes.
    changes: [
      "needs-migration validation-tightened",
      "needs-migration validation-tightened",
      "needs-migration table-constraints-changed",
    ],
    sql: [
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(char_length(\`sku\`) >= 3, false)`,
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(\`quantity\` >= 1, false)`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS quantity_int32_gte`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT sku_string_min_len CHECK (char_length(\`sku\`) >= 3)`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT quantity_int32_gte CHECK (\`quantity\` >= 1)`,
    ],
  },
  "nested-validation-tightened": {
    // Rules on fields of nested messages, diffed like a column's: their new constraints are checked where the
    // message is present (a struct field by path, the records of a list and a map with forall); `required` only
    // counts inside a present struct; a rule SQL cannot say (email) gets a note. Constraints with a lambda are set
    // through a shallow clone (Delta 4.4's ADD CONSTRAINT breaks `->`).
    verdict: "needs-migration",
    changes: [
      "needs-migration validation-tightened",
      "needs-migration validation-tightened",
      "needs-migration validation-tightened",
      "safe validation-relaxed",
      "needs-migration validation-tightened",
      "needs-migration validation-tightened",
      "needs-migration table-constraints-changed",
    ],
    sql: [
      "[manual] -- no SQL check for rule string.email on shipping_address.contact_email: verify existing rows",
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(${NESTED_LEN}, false)`,
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(${NESTED_REQUIRED}, false)`,
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(${NESTED_STOCK}, false)`,
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(${NESTED_LINES}, false)`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS shipping_address_city_string_max_len`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS lines_quantity_int32_gte`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT shipping_address_country_code_string_len CHECK (${NESTED_LEN})`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT shipping_address_country_code_required CHECK (${NESTED_REQUIRED})`,
      `[rewrite] CREATE TABLE ${CONSTRAINTS_COPY} SHALLOW CLONE ${T}`,
      `[rewrite] DELETE FROM ${T}`,
      `[rewrite] CREATE OR REPLACE TABLE ${T} SHALLOW CLONE ${CONSTRAINTS_COPY} TBLPROPERTIES ('delta.constraints.stock_count_int32_gte' = '${NESTED_STOCK}', 'delta.constraints.lines_quantity_int32_gte' = '${NESTED_LINES}')`,
      `[manual] -- delete the folder of ${CONSTRAINTS_COPY} (its log only)`,
    ],
  },
  "constraints-in-step": {
    // A renamed column's constraint follows it (checked over the old rows as the new contract names them); one
    // that stays (required on a widened column) is dropped around ALTER COLUMN … TYPE, which Delta refuses while a
    // constraint references the column; a table that opts in to constraints gets them, checked first.
    verdict: "needs-migration",
    changes: [
      "needs-migration column-renamed",
      "safe column-type-widened",
      "needs-migration table-constraints-changed",
      "needs-migration table-constraints-changed",
    ],
    sql: [
      `[check] SELECT COUNT(*) AS violations FROM (SELECT \`id\` AS \`id\`, \`name\` AS \`display_name\`, CAST(\`stock\` AS BIGINT) AS \`stock\`, \`lines\` AS \`lines\` FROM ${T}) WHERE NOT coalesce(char_length(\`display_name\`) >= 1, false)`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS name_string_min_len`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS stock_required`,
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`,
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
      `[ddl] ALTER TABLE ${T} RENAME COLUMN \`name\` TO \`display_name\``,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`stock\` TYPE BIGINT`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT display_name_string_min_len CHECK (char_length(\`display_name\`) >= 1)`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT stock_required CHECK (\`stock\` <> 0)`,
      "[check] SELECT COUNT(*) AS violations FROM delta.`/lake/shelves` WHERE NOT coalesce(`slots` >= 1, false)",
      "[ddl] ALTER TABLE delta.`/lake/shelves` ADD CONSTRAINT slots_int32_gte CHECK (`slots` >= 1)",
    ],
  },
  "constraints-tightened-relaxed": {
    // A relaxed and a tightened rule of the table: both constraints are replaced, each checked first.
    verdict: "needs-migration",
    changes: [
      "safe validation-relaxed",
      "needs-migration validation-tightened",
      "needs-migration table-constraints-changed",
    ],
    sql: [
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(char_length(\`sku\`) >= 2, false)`,
      `[check] SELECT COUNT(*) AS violations FROM ${T} WHERE NOT coalesce(\`quantity\` >= 5, false)`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS sku_string_min_len`,
      `[ddl] ALTER TABLE ${T} DROP CONSTRAINT IF EXISTS quantity_int32_gte`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT sku_string_min_len CHECK (char_length(\`sku\`) >= 2)`,
      `[ddl] ALTER TABLE ${T} ADD CONSTRAINT quantity_int32_gte CHECK (\`quantity\` >= 5)`,
    ],
  },
  "nested-field-added": {
    // The record always holds height, unit and tags (not nullable in the class, though nullable in the table under
    // the struct): old rows get the proto3 default where the struct is present; the optional note stays NULL.
    verdict: "needs-migration",
    changes: [
      "needs-migration column-added-not-null",
      "needs-migration column-added-not-null",
      "needs-migration column-added-not-null",
      "safe column-added",
    ],
    sql: [
      `[ddl] ALTER TABLE ${T} ADD COLUMNS (\`size\`.\`height\` DOUBLE, \`size\`.\`unit\` STRING, \`size\`.\`tags\` ARRAY<STRING>, \`size\`.\`note\` STRING)`,
      `[backfill] UPDATE ${T} SET \`size\`.\`height\` = coalesce(\`size\`.\`height\`, CAST(0 AS DOUBLE)), \`size\`.\`unit\` = coalesce(\`size\`.\`unit\`, 'UNIT_UNSPECIFIED'), \`size\`.\`tags\` = coalesce(\`size\`.\`tags\`, CAST(array() AS ARRAY<STRING>)) WHERE \`size\` IS NOT NULL`,
    ],
  },
  "array-element-field-added-not-null": {
    // As nested-field-added, inside the records of a list: they cannot be set by path, so the backfill rebuilds
    // each element (a NULL list stays NULL; an element keeps its other fields).
    verdict: "needs-migration",
    changes: ["needs-migration column-added-not-null", "needs-migration column-added-not-null"],
    sql: [
      `[ddl] ALTER TABLE ${T} ADD COLUMNS (\`lines\`.\`element\`.\`discount\` DOUBLE, \`lines\`.\`element\`.\`unit\` STRING)`,
      `[backfill] UPDATE ${T} SET \`lines\` = transform(\`lines\`, e -> IF(e IS NULL, NULL, named_struct('sku', e.\`sku\`, 'quantity', e.\`quantity\`, 'discount', coalesce(e.\`discount\`, CAST(0 AS DOUBLE)), 'unit', coalesce(e.\`unit\`, 'UNIT_UNSPECIFIED')))) WHERE \`lines\` IS NOT NULL`,
    ],
  },
  "map-value-field-added": {
    // An optional field of the records of a map is a nullable field of its values; a plain one needs the backfill.
    verdict: "needs-migration",
    changes: ["safe column-added", "needs-migration column-added-not-null"],
    sql: [
      `[ddl] ALTER TABLE ${T} ADD COLUMNS (\`stock\`.\`value\`.\`location\` STRING, \`stock\`.\`value\`.\`reserved\` BIGINT)`,
      `[backfill] UPDATE ${T} SET \`stock\` = transform_values(\`stock\`, (k, v) -> IF(v IS NULL, NULL, named_struct('count', v.\`count\`, 'location', v.\`location\`, 'reserved', coalesce(v.\`reserved\`, CAST(0 AS BIGINT))))) WHERE \`stock\` IS NOT NULL`,
    ],
  },
  "collection-fields-rewrite": {
    // A new NOT NULL column forces a rewrite; its copy back rebuilds list elements and map values field by field
    // (Spark casts no array<struct> to one with more fields).
    verdict: "needs-migration",
    changes: [
      "needs-migration column-added-not-null",
      "safe column-added",
      "needs-migration column-added-not-null",
      "needs-migration column-added-not-null",
    ],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `lines` ARRAY<STRUCT<`sku`: STRING, `quantity`: INT, `discount`: DOUBLE, `note`: STRING>> NOT NULL, `stock` MAP<STRING, STRUCT<`count`: INT, `reserved`: BIGINT>> NOT NULL, `channel` STRING NOT NULL COMMENT 'Sales channel.') USING delta",
      `\`id\` AS \`id\`, ${COLLECTION_LINES} AS \`lines\`, ${COLLECTION_STOCK} AS \`stock\`, '' AS \`channel\``,
    ),
  },
  "nullability-relaxed": {
    verdict: "needs-migration",
    changes: ["needs-migration column-nullability-relaxed"],
    sql: [`[ddl] ALTER TABLE ${T} ALTER COLUMN \`stock\` DROP NOT NULL`],
  },
  // ---- breaking
  "type-narrowed": {
    verdict: "breaking",
    changes: ["breaking column-type-changed", "breaking field-type-changed"],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `quantity` INT NOT NULL) USING delta",
      "`id` AS `id`, CAST(`quantity` AS INT) AS `quantity`",
    ),
  },
  "type-changed": {
    verdict: "breaking",
    changes: ["breaking column-type-changed", "breaking field-type-changed"],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `code` STRING NOT NULL) USING delta",
      "`id` AS `id`, CAST(`code` AS STRING) AS `code`",
    ),
  },
  "column-removed": {
    verdict: "breaking",
    changes: ["breaking column-removed", "breaking field-removed"],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
      `[ddl] ALTER TABLE ${T} DROP COLUMN \`legacy\``,
    ],
  },
  "field-number-reused": {
    verdict: "breaking",
    changes: ["needs-migration column-added-not-null", "breaking column-removed", "breaking field-number-reused"],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `weight_grams` BIGINT NOT NULL) USING delta",
      "`id` AS `id`, CAST(0 AS BIGINT) AS `weight_grams`",
    ),
  },
  "field-renamed": {
    verdict: "breaking",
    changes: ["needs-migration column-renamed", "breaking field-renamed"],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
      `[ddl] ALTER TABLE ${T} RENAME COLUMN \`name\` TO \`title\``,
    ],
  },
  "enum-value-removed": { verdict: "breaking", changes: ["breaking enum-value-removed"], sql: [] },
  "enum-value-renumbered": { verdict: "breaking", changes: ["breaking enum-value-renumbered"], sql: [] },
  "table-renamed": {
    verdict: "breaking",
    changes: ["breaking table-renamed"],
    sql: ["[manual] -- a path-based table keeps its path: copy delta.`/lake/items` to delta.`/lake/catalog_items`"],
  },
  // ---- the real-server cases (test/integration/review-migrations.test.ts)
  "combined-in-place": {
    verdict: "breaking",
    changes: [
      "needs-migration column-renamed",
      "safe column-comment-changed",
      "safe column-type-widened",
      "safe column-type-widened",
      "safe column-type-widened",
      "needs-migration column-nullability-relaxed",
      "safe column-added",
      "safe column-added",
      "breaking column-removed",
      "needs-migration clustering-changed",
      "breaking field-type-changed",
    ],
    sql: [
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`,
      `[ddl] ALTER TABLE ${T} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
      `[ddl] ALTER TABLE ${T} RENAME COLUMN \`name\` TO \`display_name\``,
      `[ddl] ALTER TABLE ${T} ADD COLUMNS (\`size\`.\`height\` DOUBLE, \`note\` STRING)`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`quantity\` TYPE BIGINT`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`weight\` TYPE DOUBLE`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`price\` TYPE DECIMAL(18,2)`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`stock\` DROP NOT NULL`,
      `[ddl] ALTER TABLE ${T} DROP COLUMN \`legacy\``,
      `[ddl] ALTER TABLE ${T} CLUSTER BY (\`region\`)`,
      `[ddl] ALTER TABLE ${T} ALTER COLUMN \`display_name\` COMMENT 'Display name.'`,
    ],
  },
  "combined-rewrite": {
    verdict: "breaking",
    changes: [
      "safe table-comment-changed",
      "breaking column-type-changed",
      "needs-migration column-added-not-null",
      "needs-migration column-added-not-null",
      "needs-migration partitioning-changed",
      "breaking field-type-changed",
    ],
    sql: rewrite(
      "(`id` BIGINT NOT NULL, `region` STRING NOT NULL, `category` STRING NOT NULL, `quantity` INT NOT NULL, `label` STRING, `size` STRUCT<`width`: DOUBLE, `depth`: INT>, `sku` STRING NOT NULL) USING delta PARTITIONED BY (`category`) COMMENT 'Items on sale.'",
      `\`id\` AS \`id\`, \`region\` AS \`region\`, \`category\` AS \`category\`, CAST(\`quantity\` AS INT) AS \`quantity\`, \`label\` AS \`label\`, ${COMBINED_SIZE} AS \`size\`, '' AS \`sku\``,
      "Items on sale.",
    ),
  },
};

test("every fixture case has expectations, and every expectation a fixture", () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...fixtureCases]);
});

describe.each(fixtureCases)("%s", (name) => {
  test("changes, severities, verdict and migration SQL", () => {
    const expected = EXPECTED[name];
    if (expected === undefined) throw new Error(`no expectations for ${name}`);
    const report = reviewFixture(name);
    expect(report.verdict).toBe(expected.verdict);
    expect(report.changes.map((c) => `${c.severity} ${c.kind}`)).toEqual(expected.changes);
    const sql = report.migrations.flatMap((m) =>
      m.statements.map((s: { purpose: StatementPurpose; sql: string }) => `[${s.purpose}] ${s.sql}`),
    );
    expect(sql).toEqual(expected.sql);
    expect(exitCodeOf(report)).toBe(expected.verdict === "breaking" ? 1 : 0);
    expect(exitCodeOf(report, { allowBreaking: true })).toBe(0);
  }, 30_000);
});

test("a catalog table is rewritten with CREATE OR REPLACE TABLE (Delta accepts a new schema there)", () => {
  const report = reviewFixture("combined-rewrite", byContractName);
  expect(report.migrations[0]?.rewrite).toBe(true);
  expect(report.migrations[0]?.statements.map((s) => `[${s.purpose}] ${s.sql}`)).toEqual([
    "[rewrite] CREATE TABLE `items__review_backup` USING delta AS SELECT * FROM `items`",
    "[rewrite] CREATE OR REPLACE TABLE `items` (`id` BIGINT NOT NULL, `region` STRING NOT NULL, `category` STRING NOT NULL, `quantity` INT NOT NULL, `label` STRING, `size` STRUCT<`width`: DOUBLE, `depth`: INT>, `sku` STRING NOT NULL) USING delta PARTITIONED BY (`category`) COMMENT 'Items on sale.'",
    `[rewrite] INSERT INTO \`items\` SELECT \`id\` AS \`id\`, \`region\` AS \`region\`, \`category\` AS \`category\`, CAST(\`quantity\` AS INT) AS \`quantity\`, \`label\` AS \`label\`, ${COMBINED_SIZE} AS \`size\`, '' AS \`sku\` FROM \`items__review_backup\``,
    "[rewrite] DROP TABLE `items__review_backup`",
  ]);
});
