/**
 * The PR comment's catalogue section: the change of generated/CONTRACTS.md between the two contract versions, as
 * `buf generate` with `docs=CONTRACTS.md` would write each, and no section when the catalogue did not change.
 */
import { create, createFileRegistry } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, type FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "vitest";
import { plugin } from "../../protoc-gen-lakehouse/src/index.js";
import { lineDiff, reviewContracts, reviewDocs, reviewMarkdown } from "../../review/src/index.js";
import { casePackageDir, fixturePair, reviewFixture } from "./review-harness.js";

/** CONTRACTS.md as the plugin writes it for one side of a case (its files to generate, as `buf generate` sends). */
function generatedCatalogue(name: string, set: FileDescriptorSet): string {
  const response = plugin.run(
    create(CodeGeneratorRequestSchema, {
      fileToGenerate: set.file.map((f) => f.name).filter((f) => f.startsWith(`${casePackageDir(name)}/`)),
      parameter: "target=ts,import_extension=js,docs=CONTRACTS.md",
      protoFile: set.file,
    }),
  );
  if (response.error) throw new Error(response.error);
  const file = response.file.find((f) => f.name === "CONTRACTS.md");
  if (file === undefined) throw new Error("no CONTRACTS.md in the plugin's response");
  return file.content;
}

/** The lines of the catalogue section's diff block, or undefined when the comment has no such section. */
function catalogueSection(markdown: string): string[] | undefined {
  const start = markdown.indexOf("<details><summary>Catalogue diff (CONTRACTS.md)</summary>");
  if (start < 0) return undefined;
  const block = markdown.slice(start).match(/```diff\n([\s\S]*?)\n```/);
  if (block?.[1] === undefined) throw new Error("the catalogue section has no diff block");
  return block[1].split("\n");
}

describe("the catalogue diff of the PR comment", () => {
  test("shows how generated/CONTRACTS.md changes: a table comment, a column comment, a sensitivity tag", () => {
    const name = "comment-changed";
    const pair = fixturePair(name);
    const report = reviewFixture(name);
    const docs = reviewDocs(report);
    // The review's catalogues are the generated files of each version, byte for byte (up to the final newline).
    expect(docs.before.trimEnd()).toBe(generatedCatalogue(name, pair.old).trimEnd());
    expect(docs.after.trimEnd()).toBe(generatedCatalogue(name, pair.new).trimEnd());
    const section = catalogueSection(reviewMarkdown(report, { docs }));
    expect(section).toEqual(lineDiff(generatedCatalogue(name, pair.old), generatedCatalogue(name, pair.new)));
    expect(section).toEqual([
      "@@ ## `items` (`review.comment_changed.v1.Item`) @@",
      "- Items.",
      "+ Items on sale, one row per item.",
      "@@ ## `items` (`review.comment_changed.v1.Item`) @@",
      "- | `name` | `STRING` | NOT NULL |  | The name. |",
      "+ | `name` | `STRING` | NOT NULL |  | **sensitive**; Display name, as shown in the shop. |",
    ]);
  });

  test("a new table: its catalogue row, diagram node and section are added, nothing removed", () => {
    const report = reviewFixture("table-added");
    const section = catalogueSection(reviewMarkdown(report, { docs: reviewDocs(report) })) ?? [];
    expect(section.filter((l) => l.startsWith("- "))).toEqual([]);
    expect(section).toContain("+ ## `shelves` (`review.table_added.v1.Shelf`)");
    expect(section.some((l) => l.startsWith("+ | [`shelves`]"))).toBe(true);
  });

  test("no section when the catalogue is the same, though the contracts changed (an enum value removed)", () => {
    const report = reviewFixture("enum-value-removed");
    expect(report.verdict).toBe("breaking");
    const docs = reviewDocs(report);
    expect(docs.before).toBe(docs.after);
    const markdown = reviewMarkdown(report, { docs });
    expect(markdown).toMatch(/### 🛑 Breaking/);
    expect(catalogueSection(markdown)).toBeUndefined();
  });

  test("no section for two identical versions", () => {
    const pair = fixturePair("comment-changed");
    const report = reviewContracts(createFileRegistry(pair.new), createFileRegistry(pair.new));
    const markdown = reviewMarkdown(report, { docs: reviewDocs(report) });
    expect(markdown).toMatch(/No changes to tables or wire format/);
    expect(catalogueSection(markdown)).toBeUndefined();
  });
});

describe("a rewrite in the PR comment", () => {
  test("is marked, explained, and lists its numbered steps as SQL", () => {
    const markdown = reviewMarkdown(reviewFixture("combined-rewrite"));
    expect(markdown).toContain(
      "**delta.`/lake/items`** (`review.combined_rewrite.v1.Item`) — **REWRITE: not in place**",
    );
    expect(markdown).toMatch(/> Delta cannot make this change in place: .* `SHALLOW CLONE` of an empty table/);
    const sql = markdown.match(/```sql\n([\s\S]*?)\n```/)?.[1]?.split("\n") ?? [];
    expect(sql.filter((l) => l.startsWith("-- "))).toEqual([
      "-- rewrite: 1/7 copy the rows aside",
      "-- rewrite: 2/7 an empty table with the new contract's schema and layout",
      "-- rewrite: 3/7 empty the table (Delta clones only into an empty table; the rows are in the copy)",
      "-- rewrite: 4/7 take the empty table's schema, NOT NULLs, column comments and layout (a path table cannot be replaced with another schema; the clone shares no files)",
      "-- rewrite: 5/7 table comment",
      "-- rewrite: 6/7 copy the rows back (a value that does not fit fails the statement; the copy stays)",
      "-- manual: 7/7 clean up",
      "-- delete the folders of delta.`/lake/items__review_backup` and delta.`/lake/items__review_schema` once the table is checked",
    ]);
    expect(sql.filter((l) => !l.startsWith("-- ")).every((l) => l.endsWith(";"))).toBe(true);
  });
});
