/**
 * What `query`, `tail` and `describe` print: a table that fits the terminal, or one `column  value` block per record
 * when it would not (a 26-column Order was one line of ~400 characters); json, jsonl and csv for programs (csv and
 * jsonl read back by `ingest`); sensitive values redacted; colours only on a TTY and never under NO_COLOR.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import type { CliRecordClass } from "../../runtime/src/cli/contract.js";
import { formatRecords, useColor } from "../../runtime/src/cli/output.js";
import { readRecords } from "../../runtime/src/cli/sources.js";
import { emptyChecksums, makeOrder } from "../../tools/soak/orders.js";

// The generated class, typed against the runtime sources the CLI is tested from (it is built against dist/).
const Basic = BasicTestRecord as unknown as CliRecordClass<BasicTestRecord>;

const basic = [
  new BasicTestRecord({ id: 1n, name: "one", value: 1.5, isActive: true }),
  new BasicTestRecord({ id: 2n, name: 'two, "quoted"\nand a new line' }),
];
const orders = [makeOrder("t", 1, emptyChecksums()), makeOrder("t", 2, emptyChecksums())];
const plain = { color: false } as const;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is looked for
const ANSI = /\x1b\[/;

describe("--format table", () => {
  test("rows that fit: one line each under a header", () => {
    const text = formatRecords(BasicTestRecord.descriptor, basic.slice(0, 1), {
      ...plain,
      format: "table",
      width: 200,
    });
    const [header, rule, row] = text.split("\n");
    expect(header).toMatch(/^id\s+name\s+value\s+is_active\s+ingest_id/);
    expect(rule).toMatch(/^─+\s+─+/);
    expect(row).toMatch(/^1\s+one\s+1\.5\s+true\s+/);
  });

  test("rows wider than the terminal: one block per record, no line wider than the terminal", () => {
    for (const width of [100, 60]) {
      const text = formatRecords(Order.descriptor, orders, { ...plain, format: "table", width });
      const lines = text.split("\n");
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
      expect(lines[0]).toMatch(/^─+ record 1 ─*$/);
      expect(text).toMatch(/\n─+ record 2 ─*\n/);
      expect(text).toMatch(/^order_id\s+ord_/m);
      expect(text).toMatch(/^total_amount\s+\d+\.\d\d$/m);
      // Sensitive fields are never shown.
      expect(text).toMatch(/^customer_note\s+\[redacted\]$/m);
    }
  });

  test("no rows: the header only", () => {
    const text = formatRecords(Order.descriptor, [], { ...plain, format: "table", width: 100 });
    expect(text).toBe("(no rows)");
  });
});

describe("--format json, jsonl, csv", () => {
  test("json: an array of proto3 JSON records, sensitive values redacted", () => {
    const parsed = JSON.parse(formatRecords(Order.descriptor, orders, { ...plain, format: "json", width: 100 }));
    expect(parsed).toHaveLength(2);
    expect(parsed[0].orderId).toBe(orders[0]?.orderId);
    expect(parsed[0].customerNote ?? "[redacted]").toBe("[redacted]");
    // A card's last four digits are sensitive, nested in the payment: redacted too.
    expect(orders[1]?.payment).toMatchObject({ case: "card", value: { last4: "4242" } });
    expect(JSON.stringify(parsed)).not.toContain("4242");
  });

  test("jsonl and csv read back as the same records", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-output-"));
    for (const format of ["jsonl", "csv"] as const) {
      const path = join(dir, `out.${format}`);
      writeFileSync(path, `${formatRecords(BasicTestRecord.descriptor, basic, { ...plain, format, width: 100 })}\n`);
      const back: BasicTestRecord[] = [];
      for await (const item of readRecords(path, Basic)) {
        expect(item.ok, `${format}: ${item.ok ? "" : JSON.stringify(item.issues)}`).toBe(true);
        if (item.ok) back.push(item.record);
      }
      expect(back.map((r) => r.toJson())).toEqual(basic.map((r) => r.toJson()));
    }
  });

  test("csv: a header of column names, cells quoted where needed", () => {
    const text = formatRecords(BasicTestRecord.descriptor, basic, { ...plain, format: "csv", width: 100 });
    expect(text.split("\n")[0]).toBe("id,name,value,is_active,ingest_id,ingest_source,created_at,updated_at");
    expect(text).toContain('"two, ""quoted""\nand a new line"');
  });
});

describe("colours", () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;
  test.each([
    [tty, {}, true],
    [tty, { NO_COLOR: "1" }, false],
    [tty, { NO_COLOR: "" }, true],
    [tty, { TERM: "dumb" }, false],
    [pipe, {}, false],
    [pipe, { FORCE_COLOR: "1" }, false],
  ])("on %o with %o: %s", (stream, env, expected) => {
    expect(useColor(stream, env)).toBe(expected);
  });

  test("a table in colour has escapes; without, none", () => {
    const options = { format: "table", width: 200 } as const;
    expect(formatRecords(BasicTestRecord.descriptor, basic, { ...options, color: true })).toMatch(ANSI);
    expect(formatRecords(BasicTestRecord.descriptor, basic, { ...options, color: false })).not.toMatch(ANSI);
  });
});
