/**
 * Timestamps to the microsecond through every format: `PreciseTimestamp` itself (µs, RFC 3339 text, mutators), proto3
 * JSON, Arrow, Parquet, protobuf-es messages, SQL literals, `--where`, and validation, where CEL and the standard
 * timestamp rules see the exact value and give @bufbuild/protovalidate's verdicts. Values finer than the µs are
 * refused on their field, as Durations are. (Dates compare exactly here: test/setup/exact-timestamps.ts.)
 */
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFileRegistry, type DescMessage, fromJson, type Message } from "@bufbuild/protobuf";
import { pathToString } from "@bufbuild/protobuf/reflect";
import { createValidator } from "@bufbuild/protovalidate";
import { makeData, Table, TimestampNanosecond, tableFromIPC, Vector } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Order } from "../../generated/shop/v1/order_lakehouse.js";
import { parseWhere } from "../../runtime/src/cli/where.js";
import {
  decodeJson,
  epochMicrosOf,
  fromArrow,
  PreciseTimestamp,
  RecordDecodeError,
  type RecordDescriptor,
} from "../../runtime/src/index.js";
import { readMicros, timestampToDate } from "../../runtime/src/records/temporal.js";
import { toLiteral } from "../../runtime/src/spark/literals.js";
import { filterExpression } from "../../runtime/src/tables/filter.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { ContractWorkspace } from "./plugin-harness.js";

/** 2023-11-14T22:13:20.123456Z */
const US = 1_700_000_000_123_456n;
const TEXT = "2023-11-14T22:13:20.123456Z";

describe("PreciseTimestamp", () => {
  test("holds µs: getTime() is the ms below, epochMicros the exact value, toRfc3339 0, 3 or 6 digits", () => {
    const t = PreciseTimestamp.fromEpochMicros(US);
    expect(t).toBeInstanceOf(Date);
    expect(t.getTime()).toBe(1_700_000_000_123);
    expect(t.microsecondsOfMillisecond).toBe(456);
    expect(t.epochMicros).toBe(US);
    expect(t.toRfc3339()).toBe(TEXT);
    expect(t.toISOString()).toBe("2023-11-14T22:13:20.123Z");
    expect(PreciseTimestamp.fromEpochMicros(1_700_000_000_000_000n).toRfc3339()).toBe("2023-11-14T22:13:20Z");
    expect(PreciseTimestamp.fromEpochMicros(1_700_000_000_120_000n).toRfc3339()).toBe("2023-11-14T22:13:20.120Z");
    expect(PreciseTimestamp.fromEpochMicros(1_700_000_000_000_001n).toRfc3339()).toBe("2023-11-14T22:13:20.000001Z");
  });

  test("before the epoch: the ms rounds down and the µs part stays 0–999", () => {
    const t = PreciseTimestamp.fromEpochMicros(-1n);
    expect(t.getTime()).toBe(-1);
    expect(t.microsecondsOfMillisecond).toBe(999);
    expect(t.epochMicros).toBe(-1n);
    expect(t.toRfc3339()).toBe("1969-12-31T23:59:59.999999Z");
    expect(PreciseTimestamp.fromEpochMicros(-62_135_596_800_000_000n).toRfc3339()).toBe("0001-01-01T00:00:00Z");
  });

  test("a plain Date is ms × 1000; epochMicrosOf reads both", () => {
    expect(epochMicrosOf(new Date(1_700_000_000_123))).toBe(1_700_000_000_123_000n);
    expect(epochMicrosOf(PreciseTimestamp.fromEpochMicros(US))).toBe(US);
  });

  test("refuses what a Date cannot hold and a µs part outside 0–999", () => {
    expect(() => PreciseTimestamp.fromEpochMicros(8_640_000_000_000_001_000n)).toThrow(/beyond the range of a Date/);
    expect(() => new PreciseTimestamp(1.5)).toThrow(/not an integral millisecond/);
    expect(() => new PreciseTimestamp(0, 1000)).toThrow(/not 0 to 999 microseconds/);
  });

  test("every mutator drops the µs part: the result is the millisecond the mutator set", () => {
    const cases: [string, (t: Date) => number][] = [
      ["setTime", (t) => t.setTime(5)],
      ["setMilliseconds", (t) => t.setMilliseconds(7)],
      ["setUTCMilliseconds", (t) => t.setUTCMilliseconds(7)],
      ["setSeconds", (t) => t.setSeconds(1)],
      ["setUTCSeconds", (t) => t.setUTCSeconds(1, 2)],
      ["setMinutes", (t) => t.setMinutes(1)],
      ["setUTCMinutes", (t) => t.setUTCMinutes(1)],
      ["setHours", (t) => t.setHours(1)],
      ["setUTCHours", (t) => t.setUTCHours(1, 2, 3, 4)],
      ["setDate", (t) => t.setDate(2)],
      ["setUTCDate", (t) => t.setUTCDate(2)],
      ["setMonth", (t) => t.setMonth(2)],
      ["setUTCMonth", (t) => t.setUTCMonth(2)],
      ["setFullYear", (t) => t.setFullYear(2001)],
      ["setUTCFullYear", (t) => t.setUTCFullYear(2001, 1)],
    ];
    for (const [name, mutate] of cases) {
      const t = PreciseTimestamp.fromEpochMicros(US);
      const plain = new Date(t.getTime());
      const result = mutate(t);
      expect(result, name).toBe(mutate(plain));
      expect(t.getTime(), name).toBe(plain.getTime());
      expect(t.microsecondsOfMillisecond, name).toBe(0);
      expect(t.epochMicros, name).toBe(BigInt(plain.getTime()) * 1000n);
    }
  });

  test("tests compare Dates to the µs", () => {
    expect(PreciseTimestamp.fromEpochMicros(US)).not.toEqual(new Date(1_700_000_000_123));
    expect(PreciseTimestamp.fromEpochMicros(US)).toEqual(PreciseTimestamp.fromEpochMicros(US));
    expect(PreciseTimestamp.fromEpochMicros(1_700_000_000_123_000n)).toEqual(new Date(1_700_000_000_123));
  });
});

/** An order with µs in every timestamp it has. */
function preciseOrder(): Order {
  return new Order({
    orderId: "ord_1",
    placedAt: PreciseTimestamp.fromEpochMicros(US),
    createdAt: PreciseTimestamp.fromEpochMicros(-1n),
    updatedAt: PreciseTimestamp.fromEpochMicros(253_402_300_799_999_999n),
  });
}

function expectSameTimestamps(back: Order, order: Order): void {
  for (const name of ["placedAt", "createdAt", "updatedAt"] as const) {
    const [a, b] = [back[name], order[name]];
    expect(a && epochMicrosOf(a), name).toBe(b && epochMicrosOf(b));
  }
}

describe("exact µs through every format", () => {
  test('proto3 JSON: "…T22:13:20.123456Z" reads back and writes out as the same text', () => {
    const json = { orderId: "ord_1", placedAt: TEXT, createdAt: "1969-12-31T23:59:59.999999Z" };
    const order = Order.fromJson(json);
    expect(order.placedAt).toBeInstanceOf(PreciseTimestamp);
    expect(order.placedAt && epochMicrosOf(order.placedAt)).toBe(US);
    const out = order.toJson() as Record<string, unknown>;
    expect(out.placedAt).toBe(TEXT);
    expect(out.createdAt).toBe("1969-12-31T23:59:59.999999Z");
    // 9 digits ending in 000 are µs; an offset is applied exactly.
    expect(Order.fromJson({ placedAt: "2023-11-14T23:13:20.123456000+01:00" }).placedAt).toEqual(
      PreciseTimestamp.fromEpochMicros(US),
    );
    // A value without µs stays a plain Date.
    expect(Order.fromJson({ placedAt: "2023-11-14T22:13:20.123Z" }).placedAt?.constructor).toBe(Date);
  });

  test("proto3 JSON: digits finer than the µs are refused on their field, in the words Durations use", () => {
    for (const placedAt of ["2023-11-14T22:13:20.1234567Z", "2023-11-14T22:13:20.123456789Z"]) {
      const result = Order.safeFromJson({ placedAt, ttl: "1.000000001s" });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.issues.map((i) => [i.path, i.message])).toEqual(
        expect.arrayContaining([["placedAt", "has nanoseconds; timestamps are stored in microseconds"]]),
      );
    }
  });

  test("Arrow: toArrow writes the µs, fromArrow reads them back", () => {
    const order = preciseOrder();
    const table = Order.toArrow([order]);
    const micros = (column: string) => (table.getChild(column)?.data[0]?.values as BigInt64Array | undefined)?.[0];
    expect(micros("placed_at")).toBe(US);
    expect(micros("created_at")).toBe(-1n);
    const [back] = Order.fromArrow(table);
    expect(back).toEqual(order);
    expectSameTimestamps(back as Order, order);
  });

  test("Arrow: µs columns are read without bigints, exactly as the bigint reading, over the whole range", () => {
    const edges = [0n, 1n, -1n, 999n, 1000n, -999n, -1000n, -1001n, US, -US, 2n ** 32n, -(2n ** 32n), 2n ** 32n - 1n];
    const range = 253_402_300_799_999_999n + 62_135_596_800_000_000n;
    let seed = 17n;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      edges.push((seed % range) - 62_135_596_800_000_000n);
    }
    const values = new BigInt64Array(edges);
    const words = new Int32Array(values.buffer);
    edges.forEach((us, i) => {
      const date = readMicros(words, i);
      expect(epochMicrosOf(date), String(us)).toBe(us);
      expect(date).toEqual(timestampToDate(us, 1_000_000n));
    });
  });

  test("Arrow: a nanosecond column reads exactly when its values are whole µs, and is refused otherwise", () => {
    const d: RecordDescriptor = {
      typeName: "t.At",
      fields: [
        {
          name: "at",
          protoName: "at",
          jsonName: "at",
          number: 1,
          column: "at",
          type: { kind: "timestamp" },
          nullable: true,
        },
      ],
      oneofs: [],
    };
    const ns = (value: bigint) =>
      new Table({
        at: new Vector([
          makeData({ type: new TimestampNanosecond("UTC"), length: 1, data: new BigInt64Array([value]) }),
        ]),
      });
    expect(fromArrow(d, ns(US * 1000n))).toEqual([{ at: PreciseTimestamp.fromEpochMicros(US) }]);
    let error: unknown;
    try {
      fromArrow(d, ns(US * 1000n + 1n));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordDecodeError);
    expect((error as RecordDecodeError).issues).toEqual([
      {
        path: "[0].at",
        message: "has nanoseconds; timestamps are stored in microseconds",
        value: `${US * 1000n + 1n}n`,
      },
    ]);
  });

  test("a value beyond 9999 is refused on its field, the issue showing its µs", () => {
    const order = new Order({ orderId: "o", placedAt: PreciseTimestamp.fromEpochMicros(253_402_300_800_000_001n) });
    expect(() => Order.toArrow([order])).toThrow(
      "[0].placedAt: is outside the TIMESTAMP range 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z (value: +010000-01-01T00:00:00.000001Z)",
    );
  });

  test("Parquet: toParquet writes TIMESTAMP(MICROS) values exactly", async () => {
    const order = preciseOrder();
    const bytes = await Order.toParquet([order]);
    const table = tableFromIPC(readParquet(bytes).intoIPCStream());
    const [back] = Order.fromArrow(table);
    expect(back).toEqual(order);
    expectSameTimestamps(back as Order, order);
  });

  test("SQL literals, filters and --where: a TIMESTAMP literal of the exact µs", () => {
    expect(toLiteral(PreciseTimestamp.fromEpochMicros(US)).literalType).toEqual({ case: "timestamp", value: US });
    const filter = filterExpression<Order>(Order.descriptor, { placedAt: PreciseTimestamp.fromEpochMicros(US) });
    expect(JSON.stringify(filter, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).toContain(`"${US}n"`);
    const where = parseWhere(Order.descriptor, `{"placedAt":{"gte":"${TEXT}"}}`) as {
      placedAt: { gte: Date };
    };
    expect(epochMicrosOf(where.placedAt.gte)).toBe(US);
    expect(() => parseWhere(Order.descriptor, '{"placedAt":"2023-11-14T22:13:20.123456789Z"}')).toThrow(
      /placedAt: .* has nanoseconds; timestamps are stored in microseconds/,
    );
  });

  test("a decoded JSON value keeps the µs in the init object", () => {
    const result = decodeJson(Order.descriptor, { placedAt: TEXT });
    expect(result).toEqual({ ok: true, value: { placedAt: PreciseTimestamp.fromEpochMicros(US) } });
  });
});

describe("protobuf-es messages and validation, on the exact value", () => {
  // A contract with a CEL rule comparing two timestamps and standard bounds with µs, generated, transpiled and loaded
  // (it imports the built runtime: another copy than runtime/src, whose PreciseTimestamps it must still read).
  const ws = new ContractWorkspace({
    "span/v1/span.proto": `syntax = "proto3";
package span.v1;
import "buf/validate/validate.proto";
import "google/protobuf/timestamp.proto";
message Span {
  option (buf.validate.message).cel = {
    id: "span.order"
    message: "start must be before end"
    expression: "!has(this.start) || !has(this.end) || this.start < this.end"
  };
  google.protobuf.Timestamp start = 1;
  google.protobuf.Timestamp end = 2 [(buf.validate.field).timestamp.gt = { seconds: 1700000000, nanos: 123456000 }];
  google.protobuf.Timestamp at = 3 [(buf.validate.field).timestamp = {
    gte: { seconds: 1700000000, nanos: 123456000 }
    lt: { seconds: 1700000000, nanos: 123456789 }
  }];
  google.protobuf.Timestamp exact = 4 [(buf.validate.field).timestamp.const = { seconds: 1700000000, nanos: 123457000 }];
}
`,
  });
  afterAll(() => ws.dispose());
  const registry = createFileRegistry(ws.image);
  const schema = registry.getMessage("span.v1.Span") as DescMessage;
  const reference = createValidator({ registry });

  interface SpanRecord {
    start?: Date;
    end?: Date;
    toProto(schema: DescMessage): Message & Record<string, unknown>;
    toJson(): unknown;
  }
  interface SpanClass {
    new (init: Record<string, Date>): SpanRecord;
    fromProto(schema: DescMessage, message: Message): SpanRecord;
    check(record: SpanRecord): { path: string; ruleId: string }[];
  }
  let Span: SpanClass;
  beforeAll(async () => {
    const file = ws.generate("span/v1/span.proto").file.find((f) => f.name.endsWith("_lakehouse.ts"));
    if (file === undefined) throw new Error("nothing generated");
    const js = ts.transpileModule(file.content, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    symlinkSync(join(repoRoot, "node_modules"), join(ws.dir, "node_modules"), "dir");
    const path = join(ws.dir, "span_lakehouse.mjs");
    writeFileSync(path, js);
    Span = ((await import(path)) as { Span: SpanClass }).Span;
  });

  const at = (us: bigint) => PreciseTimestamp.fromEpochMicros(us);
  const B = 1_700_000_000_123_456n; // the bounds' µs

  test("toProto and fromProto carry the µs as nanos; nanos finer than the µs are refused on their field", () => {
    const span = new Span({ start: at(B), end: at(B + 1n) });
    const message = span.toProto(schema);
    expect(message.start).toMatchObject({ seconds: 1_700_000_000n, nanos: 123_456_000 });
    expect(message.end).toMatchObject({ seconds: 1_700_000_000n, nanos: 123_457_000 });
    const back = Span.fromProto(schema, message);
    expect(back.start && epochMicrosOf(back.start)).toBe(B);
    expect(back.end && epochMicrosOf(back.end)).toBe(B + 1n);
    const finer = fromJson(schema, { start: "2023-11-14T22:13:20.123456789Z" });
    expect(() => Span.fromProto(schema, finer)).toThrow(
      /start: has nanoseconds; timestamps are stored in microseconds/,
    );
  });

  /** Our verdict and violations, and protovalidate's on the record's JSON. */
  function verdicts(init: Record<string, Date>) {
    const span = new Span(init);
    const ours = Span.check(span).map((v) => `${v.path} [${v.ruleId}]`);
    const result = reference.validate(schema, fromJson(schema, span.toJson() as never, { registry }));
    if (result.kind === "error") throw result.error;
    const theirs = (result.kind === "valid" ? [] : result.violations).map(
      (v) => `${pathToString(v.field)} [${v.ruleId}]`,
    );
    return { ours: ours.sort(), theirs: theirs.sort() };
  }

  test.each([
    ["start and end 1 µs apart, in one millisecond", { start: at(B), end: at(B + 1n) }],
    ["start after end by 1 µs", { start: at(B + 2n), end: at(B + 1n) }],
    ["start equal to end", { start: at(B + 1n), end: at(B + 1n) }],
    ["end on its exclusive bound", { end: at(B) }],
    ["end 1 µs above its bound", { end: at(B + 1n) }],
    ["at on its inclusive lower bound", { at: at(B) }],
    ["at 1 µs below its lower bound", { at: at(B - 1n) }],
    ["at below an upper bound with nanos", { at: at(B + 333n) }],
    ["at on the µs after an upper bound with nanos", { at: at(B + 1n) }],
    ["exact on its const", { exact: at(B + 1n) }],
    ["exact 1 µs off its const", { exact: at(B + 2n) }],
    ["a plain Date", { end: new Date(1_700_000_000_124), exact: new Date(1_700_000_000_123) }],
  ])("%s: the same verdict and violations as @bufbuild/protovalidate", (_name, init) => {
    const { ours, theirs } = verdicts(init);
    expect(ours).toEqual(theirs);
  });

  test("the CEL rule sees the µs: start < end 1 µs apart is valid", () => {
    expect(Span.check(new Span({ start: at(B), end: at(B + 1n) }))).toEqual([]);
    expect(Span.check(new Span({ start: at(B + 1n), end: at(B + 1n) })).map((v) => v.ruleId)).toEqual(["span.order"]);
  });
});
