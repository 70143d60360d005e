import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { createTableSql, InvalidArgumentError, parseTableName, RecordTable } from "../../runtime/src/index.js";
import type { SparkSession } from "../../runtime/src/spark/session.js";

describe("table names are parsed and quoted, never spliced as written", () => {
  test.each([
    ["orders", ["orders"], "`orders`"],
    ["shop.orders", ["shop", "orders"], "`shop`.`orders`"],
    ["main.shop.orders", ["main", "shop", "orders"], "`main`.`shop`.`orders`"],
    ["main.`order lines`", ["main", "order lines"], "`main`.`order lines`"],
    ["`we``ird`.t_1", ["we`ird", "t_1"], "`we``ird`.`t_1`"],
    ["`a.b`", ["a.b"], "`a.b`"],
    ["`victim --`", ["victim --"], "`victim --`"],
  ])("%s", (text, parts, sql) => {
    expect(parseTableName(text)).toEqual({ parts, sql });
  });

  test.each([
    ["victim --", /"victim --" is not a plain identifier/],
    ["victim; DROP TABLE x", /is not a plain identifier/],
    ["a . b", /is not a plain identifier/],
    ["a.b.c.d", /it has 4 parts/],
    ["", /a part is empty/],
    ["a..b", /a part is empty/],
    ["a.", /it ends with a dot/],
    ["`open", /a backquote is not closed/],
    ["``", /a part is empty/],
    ["`a`b", /separated by a dot and nothing else/],
    ["1abc", /is not a plain identifier/],
    ["t /* c */", /is not a plain identifier/],
  ])("%j is refused", (text, why) => {
    expect(() => parseTableName(text)).toThrow(InvalidArgumentError);
    expect(() => parseTableName(text)).toThrow(why);
  });

  test("a RecordTable with a table name that is more than a name is refused before anything runs", () => {
    // The defect: `tableName: "victim --"` made deleteByKey run `DELETE FROM victim -- WHERE …`.
    const noSession = {} as SparkSession;
    expect(() => new RecordTable(noSession, BasicTestRecord, { tableName: "victim --" })).toThrow(InvalidArgumentError);
    const table = new RecordTable(noSession, BasicTestRecord, { tableName: "shop.`victim --`" });
    expect(table.target.sql).toBe("`shop`.`victim --`");
  });

  test("createTableSql quotes a given table name", () => {
    expect(createTableSql(BasicTestRecord.descriptor, { tableName: "s.t" })).toMatch(/^CREATE TABLE `s`\.`t` \(/);
    expect(() => createTableSql(BasicTestRecord.descriptor, { tableName: "t -- x" })).toThrow(InvalidArgumentError);
  });
});
