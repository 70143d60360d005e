/**
 * Exact equality of records, by their descriptor, for the round-trip properties: numbers by `Object.is` (NaN equals
 * NaN, -0 does not equal 0), timestamps by their exact instant (a `Date`'s ms and, where the value carries one, its
 * `epochMicros`), bytes by content, maps by their entries whatever the order, nested records field by field and of
 * the same class. A difference throws, naming the path and both values.
 */
import type { FieldType, RecordDescriptor } from "../../runtime/src/index.js";

export interface SameOptions {
  /**
   * Whether -0 and 0 differ (default true). Proto3 JSON *text* made with `JSON.stringify` writes -0 as 0 (so does
   * protobuf-es's `toJsonString`), so a round trip through text compares without the sign of zero.
   */
  readonly signedZero?: boolean;
}

let signedZero = true;

export function expectSameRecords(
  d: RecordDescriptor,
  actual: readonly unknown[],
  expected: readonly unknown[],
  options: SameOptions = {},
): void {
  signedZero = options.signedZero ?? true;
  if (actual.length !== expected.length) {
    throw new Error(`${d.typeName}: ${actual.length} records, expected ${expected.length}`);
  }
  actual.forEach((record, i) => {
    sameRecord(d, record, expected[i], `[${i}]`);
  });
}

function differ(path: string, actual: unknown, expected: unknown): never {
  throw new Error(`${path}: got ${show(actual)}, expected ${show(expected)}`);
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (Object.is(value, -0)) return "-0";
  if (value instanceof Date)
    return `Date(${value.getTime()}${microsOf(value) === undefined ? "" : `, ${microsOf(value)}µs`})`;
  if (value instanceof Uint8Array) return `bytes[${[...value].join(",")}]`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return String(value);
}

function sameRecord(d: RecordDescriptor, actual: unknown, expected: unknown, path: string): void {
  if (expected === undefined || actual === undefined) {
    if (actual !== expected) differ(path, actual, expected);
    return;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) differ(`${path} (class)`, a, e);
  for (const field of d.fields) {
    const at = `${path}.${field.oneof ?? field.name}`;
    if (field.oneof !== undefined) {
      const ac = a[field.oneof] as { case?: string; value?: unknown };
      const ec = e[field.oneof] as { case?: string; value?: unknown };
      if (ac?.case !== ec?.case) differ(`${at}.case`, ac?.case, ec?.case);
      if (ec?.case === field.name) sameValue(field.type, ac.value, ec.value, `${at}.value`);
      continue;
    }
    sameValue(field.type, a[field.name], e[field.name], at);
  }
}

function microsOf(value: Date): bigint | undefined {
  const micros = (value as { epochMicros?: unknown }).epochMicros;
  return typeof micros === "bigint" ? micros : undefined;
}

function sameValue(type: FieldType, actual: unknown, expected: unknown, path: string): void {
  if (expected === undefined || expected === null || actual === undefined || actual === null) {
    if (actual !== expected) differ(path, actual, expected);
    return;
  }
  switch (type.kind) {
    case "message":
      sameRecord(type.record(), actual, expected, path);
      return;
    case "timestamp": {
      if (!(actual instanceof Date) || !(expected instanceof Date)) {
        differ(path, actual, expected);
        return;
      }
      const am = microsOf(actual) ?? BigInt(actual.getTime()) * 1000n;
      const em = microsOf(expected) ?? BigInt(expected.getTime()) * 1000n;
      if (actual.getTime() !== expected.getTime() || am !== em) differ(path, actual, expected);
      return;
    }
    case "list": {
      if (!Array.isArray(actual) || !Array.isArray(expected)) {
        differ(path, actual, expected);
        return;
      }
      if (actual.length !== expected.length) differ(`${path}.length`, actual.length, expected.length);
      actual.forEach((item, i) => {
        sameValue(type.element, item, expected[i], `${path}[${i}]`);
      });
      return;
    }
    case "map": {
      if (!(actual instanceof Map) || !(expected instanceof Map)) {
        differ(path, actual, expected);
        return;
      }
      if (actual.size !== expected.size) differ(`${path}.size`, actual.size, expected.size);
      for (const [key, value] of expected) {
        if (!actual.has(key)) differ(`${path}[${show(key)}]`, undefined, value);
        sameValue(type.value, actual.get(key), value, `${path}[${show(key)}]`);
      }
      return;
    }
    case "json":
      sameJson(actual, expected, path);
      return;
    default:
      samePlain(actual, expected, path);
  }
}

function samePlain(actual: unknown, expected: unknown, path: string): void {
  if (expected instanceof Uint8Array) {
    if (
      !(actual instanceof Uint8Array) ||
      actual.length !== expected.length ||
      actual.some((b, i) => b !== expected[i])
    ) {
      differ(path, actual, expected);
    }
    return;
  }
  if (!sameNumber(actual, expected)) differ(path, actual, expected);
}

function sameNumber(actual: unknown, expected: unknown): boolean {
  return Object.is(actual, expected) || (!signedZero && actual === 0 && expected === 0);
}

function sameJson(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      differ(path, actual, expected);
      return;
    }
    expected.forEach((item, i) => {
      sameJson(actual[i], item, `${path}[${i}]`);
    });
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      differ(path, actual, expected);
      return;
    }
    const ak = Object.keys(actual).sort();
    const ek = Object.keys(expected).sort();
    if (ak.join("\u0000") !== ek.join("\u0000")) differ(`${path} (keys)`, ak.join(","), ek.join(","));
    for (const key of ek) {
      sameJson((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return;
  }
  if (!sameNumber(actual, expected)) differ(path, actual, expected);
}
