/**
 * Malformed input files: each bad line or row is a reject with its place in the file and the rest is still read;
 * a JSON array file that cannot be parsed is one reject naming the position; a Parquet file that cannot be read is
 * one typed error (one line), never a SyntaxError, CsvError or RangeError stack.
 */
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import type { CliRecordClass } from "../../runtime/src/cli/contract.js";
import { readRecords, type SourceItem } from "../../runtime/src/cli/sources.js";
import { isLakehouseError } from "../../runtime/src/index.js";

// The generated class, typed against the runtime sources the CLI is tested from (it is built against dist/).
const Basic = BasicTestRecord as unknown as CliRecordClass<BasicTestRecord>;

const dir = mkdtempSync(join(tmpdir(), "cli-sources-"));
let n = 0;
function file(ext: string, content: string | Uint8Array): string {
  const path = join(dir, `f${n++}${ext}`);
  writeFileSync(path, content);
  return path;
}

async function all(path: string, meter?: { bytes: number }) {
  const items: SourceItem<BasicTestRecord>[] = [];
  for await (const item of readRecords(path, Basic, meter)) items.push(item);
  return items;
}

const summary = (items: SourceItem<BasicTestRecord>[]) =>
  items.map((i) => (i.ok ? `${i.where}: ${String(i.record.id)}` : `${i.where}: rejected`));

describe("a .json array file", () => {
  test.each([
    ["empty", "", /^byte 0/, /empty file: expected a JSON array of records/],
    ["blank", "  \n", /^byte 3 \(line 2, column 1\)/, /empty file/],
    ["binary", new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00]), /^byte 0 \(line 1, column 1\)/, /not JSON/],
    ["truncated", '[{"id":"1"},\n{"id":"2"', /^byte 22 \(line 2, column 10\)/, /not JSON: .*end of the file/],
  ])("%s: one reject naming the position", async (_what, content, where, message) => {
    const items = await all(file(".json", content));
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.ok).toBe(false);
    if (item?.ok !== false) return;
    expect(item.where).toMatch(where);
    expect(item.issues[0]?.message).toMatch(message);
    // No raw bytes of a binary file in the message.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not be there
    expect(item.issues[0]?.message).not.toMatch(/[\u0000-\u0008\ufffd]/);
  });

  test("a readable array: each item decoded, a bad one rejected, the rest kept", async () => {
    const items = await all(file(".json", JSON.stringify([{ id: "1" }, { id: "x" }, { id: "3" }])));
    expect(summary(items)).toEqual(["item 0: 1", "item 1: rejected", "item 2: 3"]);
  });
});

describe("a .csv file", () => {
  test("a quoting error is a reject of its row; the next rows still parse", async () => {
    const items = await all(
      file(
        ".csv",
        'id,name\n1,one\n2,"tw"o\n3,three\n4,"four\n5,five\n6,"six, with a comma"\n7,"seven\nlines"\n8,eight\n',
      ),
    );
    expect(summary(items)).toEqual([
      "row 2: 1",
      "row 3: rejected",
      "row 4: 3",
      "row 5: rejected",
      "row 6: 5",
      "row 7: 6",
      "row 8: 7",
      "row 10: 8",
    ]);
    const [badQuote, notClosed] = items.filter((i) => !i.ok);
    expect(badQuote?.ok === false && badQuote.issues[0]?.message).toMatch(/^not CSV: .*quote/i);
    expect(notClosed?.ok === false && notClosed.issues[0]?.message).toMatch(/^not CSV: .*quote.*not closed/i);
    expect(notClosed?.ok === false && notClosed.input).toBe('4,"four');
  });

  test("a row with too many or too few cells is a reject; the rest is read", async () => {
    const items = await all(file(".csv", "id,name\n1,one,extra\n2,two\n3\n4,four\n"));
    expect(summary(items)).toEqual(["row 2: rejected", "row 3: 2", "row 4: rejected", "row 5: 4"]);
  });

  test("an empty file: no records", async () => {
    expect(await all(file(".csv", ""))).toEqual([]);
  });
});

describe("a .jsonl file", () => {
  test("a binary line is a reject of that line; the others are read; bytes are counted", async () => {
    const path = file(
      ".jsonl",
      Buffer.concat([Buffer.from('{"id":"1"}\n'), Buffer.from([0, 255, 10]), Buffer.from('{"id":"2"}\n')]),
    );
    const meter = { bytes: 0 };
    const items = await all(path, meter);
    expect(summary(items)).toEqual(["line 1: 1", "line 2: rejected", "line 3: 2"]);
    expect(meter.bytes).toBe(statSync(path).size);
  });

  test("a UTF-8 byte-order mark before line 1 is not part of the record", async () => {
    const items = await all(file(".jsonl", '\uFEFF{"id":"1"}\n{"id":"2"}\n'));
    expect(summary(items)).toEqual(["line 1: 1", "line 2: 2"]);
    // Only the file's first character is a BOM; one inside a later line is that line's content.
    const later = await all(file(".jsonl", '{"id":"1"}\n\uFEFF{"id":"2"}\n'));
    expect(summary(later)).toEqual(["line 1: 1", "line 2: rejected"]);
  });
});

describe("a .parquet file that cannot be read", () => {
  test.each([
    ["empty", new Uint8Array()],
    ["corrupt", Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(64, 7), Buffer.from("PAR1")])],
    ["not Parquet at all", Buffer.from('{"id":"1"}\n')],
  ])("%s: one typed error of one line naming the file", async (_what, content) => {
    const path = file(".parquet", content);
    const error = await all(path).catch((e: unknown) => e);
    expect(isLakehouseError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^${path.replaceAll("\\", "\\\\")}: not a readable Parquet file`),
    );
    expect((error as Error).message).not.toContain("\n");
  });
});
