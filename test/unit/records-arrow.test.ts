/** toArrow/fromArrow: exact column values, a lossless round trip through Arrow IPC, and every error path. */
import {
  Int32,
  makeData,
  RecordBatch,
  Struct,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, test } from "vitest";
import {
  arrowSchema,
  fromArrow,
  RecordDecodeError,
  type RecordDescriptor,
  RecordEncodeError,
  SchemaMismatchError,
  toArrow,
} from "../../runtime/src/index.js";
import { Forest, field, Status, Wide, wideMax, wideMin, wideRecords, wideTypical } from "./records.testdata.js";

function encodeError(d: RecordDescriptor, records: readonly object[]): RecordEncodeError {
  try {
    toArrow(d, records);
  } catch (error) {
    if (error instanceof RecordEncodeError) return error;
    throw error;
  }
  throw new Error("toArrow did not throw");
}

function decodeError(d: RecordDescriptor, table: Table): Error {
  try {
    fromArrow(d, table);
  } catch (error) {
    return error as Error;
  }
  throw new Error("fromArrow did not throw");
}

const one = (type: Parameters<typeof field>[2], extra: Parameters<typeof field>[3] = {}): RecordDescriptor => ({
  typeName: "t.One",
  fields: [field("v", 1, type, extra)],
  oneofs: [],
});

describe("toArrow", () => {
  const table = toArrow(Wide, wideRecords);
  const column = (name: string) => table.getChild(name)!;

  test("writes the exact schema and the raw values Spark reads", () => {
    expect(table.numRows).toBe(3);
    expect(table.schema).toEqual(arrowSchema(Wide));
    expect(column("id").data[0]!.values).toEqual(new BigInt64Array([9223372036854775807n, -9223372036854775808n, 42n]));
    // µs since the epoch, from the raw buffer: 9999-12-31T23:59:59.999Z, NULL, 0001-01-01T00:00:00Z.
    const ts = column("created_at").data[0]!;
    expect([ts.values[0], ts.getValid(1), ts.values[2]]).toEqual([253402300799999000n, false, -62135596800000000n]);
    expect(Array.from(column("day").data[0]!.values as Int32Array)).toEqual([2932896, -719162, 19782]);
    // uint64 max as DECIMAL(20,0): 2^64 − 1 in the low two words, zeros above.
    expect(Array.from((column("u64").data[0]!.values as Uint32Array).subarray(0, 4))).toEqual([
      0xffffffff, 0xffffffff, 0, 0,
    ]);
    // -99999999.99 in DECIMAL(10,2): two's complement of 9999999999.
    expect(column("price").get(1)?.toString()).toBe("-9999999999");
    expect(column("status").toArray()).toEqual(["STATUS_CLOSED", "STATUS_UNSPECIFIED", "STATUS_ACTIVE"]);
    expect(Array.from(column("status_code").data[0]!.values as Int32Array)).toEqual([1, 0, 2]);
    expect(column("value").toArray()).toEqual(["null", null, '[1,{"a":"b"}]']);
    expect(column("attrs").get(0)).toBe('{"nested":{"list":[1,"two",null,true]},"key with space":"v"}');
    expect([column("email").get(0), column("phone").get(0), column("email").get(2), column("phone").get(2)]).toEqual([
      "a@example.com",
      null,
      null,
      "+41 44 000 00 00",
    ]);
    expect(column("name").get(0)).toBe("héllo wörld 🌍 日本語 ‮");
    expect(column("dbl").get(0)).toBeNaN();
    expect(column("flt").get(0)).toBe(Number.POSITIVE_INFINITY);
    expect(column("items").get(0)?.get(1)?.toJSON()).toMatchObject({ sku: "", quantity: 0n, price: null });
  });

  test("round-trips through Arrow IPC, field for field (fromArrow gives plain init objects)", () => {
    const back = fromArrow(Wide, tableFromIPC(tableToIPC(table, "stream")));
    expect(back).toEqual(wideRecords);
    expect(back[1]).not.toHaveProperty("name");
    expect(back[1]).not.toHaveProperty("contact");
    expect(back[0]?.value).toBeNull();
  });

  test("strings of every width are written byte-exact, across nulls and buffer growth", () => {
    const Texts: RecordDescriptor = {
      typeName: "test.v1.Texts",
      fields: [
        field("text", 1, { kind: "scalar", scalar: "string" }, { nullable: true }),
        field("at", 2, { kind: "timestamp" }, { nullable: true }),
      ],
      oneofs: [],
    };
    const samples = [
      "",
      "ascii",
      "é",
      "ü-mixed-ascii",
      "日本語テキスト",
      "😀 emoji",
      "a😀b",
      "x".repeat(3000),
      "\u0000nul",
    ];
    // 2,000 rows: every sample, nulls between them, and timestamps on both sides of the epoch and at the extremes.
    const stamps = [-62135596800000, -1, 0, 1, 1764115200123, 253402300799999];
    const rows = Array.from({ length: 2000 }, (_, i) =>
      i % 7 === 3 ? {} : { text: samples[i % samples.length], at: new Date(stamps[i % stamps.length] as number) },
    );
    const table = toArrow(Texts, rows);
    const text = table.getChild("text");
    const at = table.getChild("at");
    rows.forEach((row, i) => {
      expect(text?.get(i)).toBe("text" in row ? row.text : null);
      const expected = "at" in row ? BigInt((row.at as Date).getTime()) * 1000n : null;
      expect(expected === null ? at?.isValid(i) : at?.data[0]?.values[i]).toBe(expected === null ? false : expected);
    });
    expect(fromArrow(Texts, tableFromIPC(tableToIPC(table, "stream")))).toEqual(rows);
  });

  test("an empty batch keeps the schema", () => {
    const empty = toArrow(Wide, []);
    expect(empty.numRows).toBe(0);
    expect(fromArrow(Wide, tableFromIPC(tableToIPC(empty, "stream")))).toEqual([]);
  });

  test("accepts class instances, maps as plain objects and TS enum numbers", () => {
    class Row {
      v = { "1": "one", "-2": "minus two" };
    }
    const d = one({ kind: "map", key: "int32", value: { kind: "scalar", scalar: "string" } });
    expect(fromArrow(d, toArrow(d, [new Row()]))).toEqual([
      {
        v: new Map([
          [1, "one"],
          [-2, "minus two"],
        ]),
      },
    ]);
    const e = one({ kind: "enum", enum: Status });
    expect(fromArrow(e, toArrow(e, [{ v: 2 }]))).toEqual([{ v: "STATUS_CLOSED" }]);
  });

  test("lists every value that does not fit, with paths, and never wraps or rounds", () => {
    const bad = {
      ...wideTypical,
      i32: 2147483648,
      s32: 1.5,
      u32: -1,
      u64: 18446744073709551616n,
      fx64: "-1",
      i64Str: "9223372036854775808",
      flt: 3.5e38,
      name: "\uD800",
      data: "bytes",
      status: "STATUS_NOPE",
      createdAt: new Date("+010000-01-01T00:00:00Z"),
      day: "2023-02-29",
      ttl: 315576001000000000n,
      price: Number.NaN,
      big: "12345678901234567890123456789.0",
      maybeCount: undefined,
      items: [{ sku: 5, quantity: 1, tags: [null] }],
      labels: new Map<unknown, unknown>([
        [7, "x"],
        ["k", undefined],
      ]),
      address: "nowhere",
      contact: { case: "fax", value: "1" },
      attrs: { n: Number.NaN },
    };
    const error = encodeError(Wide, [wideMin, bad]);
    expect(error.code).toBe("encode");
    expect(error.issues).toEqual([
      { path: "[1].contact", message: "case is not a member of the oneof", value: '"fax"' },
      { path: "[1].i32", message: "is out of range for int32 (-2147483648 to 2147483647)", value: "2147483648" },
      { path: "[1].s32", message: "must be an integer (sint32)", value: "1.5" },
      {
        path: "[1].i64Str",
        message: "is out of range for int64 (-9223372036854775808 to 9223372036854775807)",
        value: '"9223372036854775808"',
      },
      { path: "[1].u32", message: "is out of range for uint32 (0 to 4294967295)", value: "-1" },
      {
        path: "[1].u64",
        message: "is out of range for uint64 (0 to 18446744073709551615)",
        value: "18446744073709551616n",
      },
      { path: "[1].fx64", message: "is out of range for fixed64 (0 to 18446744073709551615)", value: '"-1"' },
      { path: "[1].flt", message: "is out of range for FLOAT (32-bit)", value: "3.5e+38" },
      { path: "[1].name", message: "contains a lone surrogate (not valid UTF-8)", value: '"\\ud800"' },
      { path: "[1].data", message: "must be a Uint8Array", value: '"bytes"' },
      { path: "[1].status", message: "is not a value of enum test.v1.Status", value: '"STATUS_NOPE"' },
      {
        path: "[1].createdAt",
        message: "is outside the TIMESTAMP range 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z",
        value: "+010000-01-01T00:00:00.000Z",
      },
      { path: "[1].day", message: "day is not in the month", value: '"2023-02-29"' },
      {
        path: "[1].ttl",
        message: "is outside the Duration range of ±315,576,000,000 seconds",
        value: "315576001000000000n",
      },
      { path: "[1].attrs", message: "holds NaN, which JSON cannot represent", value: "object" },
      { path: "[1].price", message: "NaN is not a decimal number", value: "NaN" },
      {
        path: "[1].big",
        message: "has too many digits for DECIMAL(38,10)",
        value: '"12345678901234567890123456789.0"',
      },
      { path: "[1].items[0].sku", message: "must be a string", value: "5" },
      { path: "[1].items[0].tags[0]", message: "is missing, and the column is NOT NULL" },
      { path: "[1].labels[7] (key)", message: "must be a string", value: "7" },
      { path: '[1].labels["k"]', message: "is missing, and the column is NOT NULL" },
      { path: "[1].address", message: "must be an object (test.v1.Address)", value: '"nowhere"' },
    ]);
    expect(error.message).toMatch(
      /^cannot encode test\.v1\.Wide: \[1\]\.contact: case is not a member of the oneof \(value: "fax"\); /,
    );
    expect(error.message).toMatch(/; and 12 more$/);
  });

  test("missing NOT NULL values, non-objects and decimals with too many fraction digits", () => {
    const d: RecordDescriptor = {
      typeName: "t.R",
      fields: [
        field("id", 1, { kind: "scalar", scalar: "int64" }),
        field("amount", 2, { kind: "decimal", precision: 5, scale: 2 }, { nullable: true }),
      ],
      oneofs: [],
    };
    expect(
      encodeError(d, [{}, 5 as unknown as object, { id: 1n, amount: "1.234" }, { id: 1n, amount: "1234.5" }]).issues,
    ).toEqual([
      { path: "[1]", message: "must be an object" },
      { path: "[0].id", message: "is missing, and the column is NOT NULL" },
      { path: "[2].amount", message: "has more than 2 digits after the point for DECIMAL(5,2)", value: '"1.234"' },
      { path: "[3].amount", message: "has too many digits for DECIMAL(5,2)", value: '"1234.5"' },
    ]);
    // Trailing zeros beyond the scale lose nothing and are accepted.
    expect(fromArrow(d, toArrow(d, [{ id: 1n, amount: "-001.2300" }]))).toEqual([{ id: 1n, amount: "-1.23" }]);
  });

  test("values of sensitive fields, and of everything inside them, are redacted", () => {
    const d: RecordDescriptor = {
      typeName: "t.S",
      fields: [
        field("pin", 1, { kind: "scalar", scalar: "int32" }, { sensitive: true }),
        field(
          "cards",
          2,
          { kind: "map", key: "string", value: { kind: "scalar", scalar: "int32" } },
          { sensitive: true },
        ),
        field("note", 3, { kind: "scalar", scalar: "int32" }),
      ],
      oneofs: [],
    };
    const error = encodeError(d, [{ pin: "1234", cards: new Map([["4111-1111", "x"]]), note: "visible" }]);
    expect(error.issues).toEqual([
      { path: "[0].pin", message: "must be a number (int32)", value: "[redacted]" },
      { path: "[0].cards[[redacted]]", message: "must be a number (int32)", value: "[redacted]" },
      { path: "[0].note", message: "must be a number (int32)", value: '"visible"' },
    ]);
    expect(error.message).not.toContain("1234");
    expect(error.message).not.toContain("4111");
    expect(error.message).toContain('"visible"');
  });

  test("a recursive message fails before any value is read", () => {
    expect(() => toArrow(Forest, [{}])).toThrow("recursive message test.v1.TreeNode cannot be a column");
  });
});

describe("fromArrow", () => {
  test("reads µs timestamps exactly to the millisecond, rounding down before 1970", () => {
    const d = one({ kind: "timestamp" }, { nullable: true });
    const micros = new BigInt64Array([1_999n, -1n, -62135596800000000n]);
    const schema = toArrow(d, []).schema;
    const data = makeData({ type: schema.fields[0]!.type, length: 3, data: micros });
    const table = new Table(
      new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 3, children: [data] })),
    );
    expect(fromArrow(d, table).map((r) => (r.v as Date).toISOString())).toEqual([
      "1970-01-01T00:00:00.001Z",
      "1969-12-31T23:59:59.999Z",
      "0001-01-01T00:00:00.000Z",
    ]);
  });

  test("columns are matched by name; extra columns are ignored; missing nullable columns read as absent", () => {
    const d: RecordDescriptor = {
      typeName: "t.N",
      fields: [
        field("b", 1, { kind: "scalar", scalar: "string" }),
        field("c", 2, { kind: "scalar", scalar: "int32" }, { nullable: true }),
      ],
      oneofs: [],
    };
    const table = new Table({ x: vectorFromArray([1], new Int32()), b: vectorFromArray(["b"], new Utf8()) });
    expect(fromArrow(d, table)).toEqual([{ b: "b" }]);
  });

  test("a table of other types is a SchemaMismatchError listing every column", () => {
    const table = tableFromArrays({ id: [1, 2], name: ["a", "b"] });
    const error = decodeError(Wide, table);
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as SchemaMismatchError).problems.slice(0, 3)).toEqual([
      "id: expected Int64, got Float64",
      "i32: the column is missing",
      "s32: the column is missing",
    ]);
    expect((error as SchemaMismatchError).problems).toContain("name: expected Utf8, got Dictionary<Int32, Utf8>");
  });

  test("NULL in a NOT NULL field, two oneof members, unknown enums, bad JSON and int64 beyond a JS number", () => {
    const d: RecordDescriptor = {
      typeName: "t.D",
      fields: [
        field("id", 1, { kind: "scalar", scalar: "int64", int64As: "number" }),
        field("state", 2, { kind: "enum", enum: Status }),
        field("meta", 3, { kind: "json", wellKnown: "Struct" }, { nullable: true }),
        field("a", 4, { kind: "scalar", scalar: "string" }, { nullable: true, oneof: "pick" }),
        field("b", 5, { kind: "scalar", scalar: "string" }, { nullable: true, oneof: "pick", sensitive: true }),
      ],
      oneofs: [{ name: "pick", protoName: "pick", fields: ["a", "b"] }],
    };
    const table = tableFromIPC(
      tableToIPC(
        new Table({
          id: vectorFromArray([9007199254740993n, null], toArrow(d, []).schema.fields[0]!.type),
          state: vectorFromArray(["STATUS_GONE", "STATUS_ACTIVE"], new Utf8()),
          meta: vectorFromArray(["{not json", null], new Utf8()),
          a: vectorFromArray(["x", null], new Utf8()),
          b: vectorFromArray(["y", "z"], new Utf8()),
        }),
      ),
    );
    const error = decodeError(d, table) as RecordDecodeError;
    expect(error).toBeInstanceOf(RecordDecodeError);
    expect(error.code).toBe("decode");
    expect(error.issues).toEqual([
      { path: "[0].id", message: "does not fit a JS number exactly (int64As: number); use bigint or string" },
      { path: "[0].state", message: "is not a value of enum test.v1.Status", value: '"STATUS_GONE"' },
      { path: "[0].meta", message: "is not valid JSON", value: '"{not json"' },
      { path: "[0].pick", message: "has more than one member set (a, b)" },
      { path: "[1].id", message: "is NULL, and the field is not nullable" },
    ]);
  });

  test("reads lists built by apache-arrow's own builders (offsets into a shared child)", () => {
    const d = one({ kind: "list", element: { kind: "scalar", scalar: "int32" } });
    const type = toArrow(d, []).schema.fields[0]!.type;
    const table = new Table({ v: vectorFromArray([[1, 2], [], [3]], type) });
    expect(fromArrow(d, table)).toEqual([{ v: [1, 2] }, { v: [] }, { v: [3] }]);
    expect(fromArrow(d, table.slice(1))).toEqual([{ v: [] }, { v: [3] }]);
  });

  test("wideMax and wideMin extremes survive unchanged", () => {
    const back = fromArrow(Wide, toArrow(Wide, [wideMax, wideMin]));
    expect(back[0]?.u64).toBe(18446744073709551615n);
    expect(back[0]?.fx64).toBe("18446744073709551615");
    expect(back[1]?.id).toBe(-9223372036854775808n);
    expect(back[0]?.i64Num).toBe(9007199254740991);
    expect((back[0]!.createdAt as Date).toISOString()).toBe("9999-12-31T23:59:59.999Z");
    expect(back[0]?.big).toBe("9999999999999999999999999999.9999999999");
    expect(back[1]?.day).toBe("0001-01-01");
  });
});
