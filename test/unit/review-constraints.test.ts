/**
 * Contract review of a table's CHECK constraints: the PR comment shows each new constraint's check with the query
 * that lists the rows it counts, and the change that says the constraints differ; constraints with a lambda are
 * told apart from those Delta 4.4's ADD CONSTRAINT takes.
 */
import { describe, expect, test } from "vitest";
import { hasLambda } from "../../review/src/constraint-migration.js";
import { reviewMarkdown } from "../../review/src/index.js";
import { reviewFixture } from "./review-harness.js";

describe("CHECK constraints in the review", () => {
  test("the Markdown shows each check with the query listing its rows, then the drops and adds", () => {
    const markdown = reviewMarkdown(reviewFixture("validation-tightened"));
    expect(markdown).toContain(
      "table `items`: CHECK constraints added `sku_string_min_len`; changed `quantity_int32_gte`: until migrated, the table enforces the old contract's rules <sub>table-constraints-changed</sub>",
    );
    const sql = markdown.slice(markdown.indexOf("```sql"), markdown.lastIndexOf("```"));
    expect(sql.split("\n").slice(1, 5)).toEqual([
      "-- check: rows violating the new CHECK constraint sku_string_min_len (sku: string.min_len)",
      "SELECT COUNT(*) AS violations FROM delta.`/lake/items` WHERE NOT coalesce(char_length(`sku`) >= 3, false);",
      "-- the rows it counts: SELECT * FROM delta.`/lake/items` WHERE NOT coalesce(char_length(`sku`) >= 3, false);",
      "-- check: rows violating the new CHECK constraint quantity_int32_gte (quantity: int32.gte)",
    ]);
    expect(sql).toContain(
      "-- ddl: constraint quantity_int32_gte changes (added back after the other changes)\nALTER TABLE delta.`/lake/items` DROP CONSTRAINT IF EXISTS quantity_int32_gte;",
    );
  });

  test("a lambda is `->` outside string literals and quoted identifiers", () => {
    expect(hasLambda("forall(`lines`, e -> e IS NULL OR e.`q` > 0)")).toBe(true);
    expect(hasLambda("`a` IS NULL OR startswith(`a`, '->')")).toBe(false);
    expect(hasLambda("`x->y` > -1")).toBe(false);
    expect(hasLambda("contains(`a`, 'it\\'s -> ') OR `a` > 0")).toBe(false);
  });
});
