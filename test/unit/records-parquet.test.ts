/** toParquet: a real Parquet file (read back with parquet-wasm) holding the records, with the columns parquetSchema names. */

import { tableFromIPC } from "apache-arrow";
import { ParquetFile, readParquet } from "parquet-wasm";
import { describe, expect, test } from "vitest";
import { fromArrow, parquetSchema, RecordEncodeError, toParquet } from "../../runtime/src/index.js";
import { Wide, wideRecords, wideTypical } from "./records.testdata.js";

/** The dotted paths of the primitive columns in Parquet message text. */
function leafPaths(text: string): string[] {
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of text.split("\n").slice(1)) {
    const group = /group (\S+)(?: \(\w+\))? \{$/.exec(line);
    if (group) stack.push(group[1]!);
    else if (line.trim() === "}") stack.pop();
    else paths.push([...stack, /(\S+)(?: \(.*\))?;$/.exec(line.trim())![1]].join("."));
  }
  return paths;
}

describe("toParquet", () => {
  test("writes a Parquet file that reads back to the same records", async () => {
    const bytes = await toParquet(Wide, wideRecords);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("PAR1");
    const table = tableFromIPC(readParquet(bytes).intoIPCStream());
    expect(fromArrow(Wide, table)).toEqual(wideRecords);
  });

  test("column chunks follow the 3-level LIST/MAP layout of parquetSchema, Snappy-compressed", async () => {
    const file = await ParquetFile.fromFile(new Blob([await toParquet(Wide, [wideTypical])]));
    const columns = file.metadata().rowGroup(0).columns();
    const paths = columns.map((c) => c.columnPath().join("."));
    expect(paths).toContain("items.list.element.price.amount");
    expect(paths).toContain("items.list.element.tags.list.element");
    expect(paths).toContain("prices_by_id.entries.key");
    expect(paths).toContain("prices_by_id.entries.value.currency");
    expect(paths).toEqual(leafPaths(parquetSchema(Wide)));
    expect(new Set(columns.map((c) => c.compression()))).toEqual(new Set([1]));
  });

  test("rejects values that do not fit, like toArrow", async () => {
    await expect(toParquet(Wide, [{ ...wideTypical, i32: 2 ** 31 }])).rejects.toBeInstanceOf(RecordEncodeError);
  });
});
