/**
 * Field-for-field comparison of a record (our class) with a protobuf-es message of the same proto type, written
 * from protobuf-es's documented representation rather than through JSON, so that it checks the conversion instead
 * of repeating it: enums are numbers there, timestamps and durations `{ seconds, nanos }`, maps plain objects keyed
 * by the key's text, google.type.Decimal `{ value }`, wrappers and Struct unwrapped.
 */
import { expect } from "vitest";
import type { FieldType, RecordDescriptor } from "../../runtime/src/index.js";

type Fields = Record<string, unknown>;

export function expectSameRecord(d: RecordDescriptor, ours: unknown, theirs: unknown, path = d.typeName): void {
  if (ours === undefined) {
    expect(theirs, path).toBeUndefined();
    return;
  }
  const o = ours as Fields;
  const t = theirs as Fields;
  expect(t.$typeName, path).toBe(d.typeName);
  for (const field of d.fields) {
    const at = `${path}.${field.name}`;
    if (field.oneof !== undefined) {
      const oursCase = o[field.oneof] as { case?: string; value?: unknown };
      const theirsCase = t[field.oneof] as { case?: string; value?: unknown };
      expect(theirsCase.case, at).toBe(oursCase.case);
      if (oursCase.case === field.name) expectSameValue(field.type, oursCase.value, theirsCase.value, at);
      continue;
    }
    if (o[field.name] === undefined) {
      expect(t[field.name], at).toBeUndefined();
      continue;
    }
    expectSameValue(field.type, o[field.name], t[field.name], at);
  }
}

function expectSameValue(type: FieldType, ours: unknown, theirs: unknown, path: string): void {
  switch (type.kind) {
    case "scalar":
    case "wrapper":
      expect(theirs, path).toEqual(ours);
      return;
    case "enum":
      expect(theirs, path).toBe(type.enum.values.find((v) => v.name === ours)?.number);
      return;
    case "timestamp": {
      const { seconds, nanos } = theirs as { seconds: bigint; nanos: number };
      expect(seconds * 1000n + BigInt(Math.trunc(nanos / 1e6)), path).toBe(BigInt((ours as Date).getTime()));
      expect(nanos % 1e6, `${path} (sub-millisecond nanos)`).toBe(0);
      return;
    }
    case "duration": {
      const { seconds, nanos } = theirs as { seconds: bigint; nanos: number };
      expect(seconds * 1_000_000n + BigInt(Math.trunc(nanos / 1000)), path).toBe(ours);
      return;
    }
    case "date": {
      const { year, month, day } = theirs as { year: number; month: number; day: number };
      const text = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
      expect(text, path).toBe(ours);
      return;
    }
    case "json":
      expect(theirs, path).toEqual(ours);
      return;
    case "decimal":
      expect(typeof theirs === "string" ? theirs : (theirs as { value: string }).value, path).toBe(ours);
      return;
    case "list": {
      if (type.wellKnown === "FieldMask") {
        // protobuf-es holds a google.protobuf.FieldMask message; our records hold its paths.
        expect((theirs as { paths: string[] }).paths, path).toEqual(ours);
        return;
      }
      const items = ours as unknown[];
      expect((theirs as unknown[]).length, path).toBe(items.length);
      items.forEach((item, i) => {
        expectSameValue(type.element, item, (theirs as unknown[])[i], `${path}[${i}]`);
      });
      return;
    }
    case "map": {
      const entries = [...(ours as Map<unknown, unknown>)];
      const object = theirs as Fields;
      expect(Object.keys(object).sort(), path).toEqual(entries.map(([k]) => String(k)).sort());
      for (const [key, value] of entries) {
        expectSameValue(type.value, value, object[String(key)], `${path}[${String(key)}]`);
      }
      return;
    }
    case "message":
      expectSameRecord(type.record(), ours, theirs, path);
      return;
  }
}
