/**
 * Small helpers that generated validators call, so each standard rule is one line of generated code. Messages and
 * rule ids are data in the generated code; these only compute.
 */
import { RE2JS } from "@bufbuild/re2";
import { epochMicrosOf } from "../records/precise-timestamp.js";
import { RuleEvaluationError } from "./evaluation-error.js";
import { linearRegExp } from "./simple-pattern.js";

/** Length in Unicode code points (protovalidate's `size()` of a string). */
export function codepoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) i++;
    }
    n++;
  }
  return n;
}

/** Length of the UTF-8 encoding (unpaired surrogates count as U+FFFD, as the encoder writes them). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** A compiled RE2 pattern; generated files compile theirs once, at module load. */
export interface Pattern {
  test(input: string): boolean;
}

/**
 * Compiles an RE2 pattern (linear-time matching: no ReDoS from a contract). `test` finds a match anywhere. Simple
 * anchored patterns run on V8's engine, where it provably matches the same strings in linear time (simple-pattern.ts).
 */
export function re2(pattern: string): Pattern {
  const re = RE2JS.compile(pattern);
  return linearRegExp(pattern) ?? { test: (input) => re.test(input) };
}

/** `[a, b, c]`, how protovalidate prints `in`/`not_in` lists. */
export function listText(values: readonly unknown[]): string {
  return `[${values.map(valueText).join(", ")}]`;
}

/** A rule value as protovalidate prints it in messages. */
export function valueText(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (value === Number.POSITIVE_INFINITY) return "Infinity";
    if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
    return String(value);
  }
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return String(value);
}

export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function bytesStartWith(a: Uint8Array, prefix: Uint8Array): boolean {
  return a.length >= prefix.length && bytesEqual(a.subarray(0, prefix.length), prefix);
}

export function bytesEndWith(a: Uint8Array, suffix: Uint8Array): boolean {
  return a.length >= suffix.length && bytesEqual(a.subarray(a.length - suffix.length), suffix);
}

export function bytesContain(a: Uint8Array, part: Uint8Array): boolean {
  outer: for (let i = 0; i + part.length <= a.length; i++) {
    for (let j = 0; j < part.length; j++) if (a[i + j] !== part[j]) continue outer;
    return true;
  }
  return false;
}

export function bytesIn(value: Uint8Array, list: readonly Uint8Array[]): boolean {
  return list.some((b) => bytesEqual(value, b));
}

/**
 * Whether `bytes`, as UTF-8 text, match `pattern` (the `pattern` rule of bytes).
 * @throws RuleEvaluationError when the bytes are not UTF-8 (protovalidate's runtime error: the rule cannot apply)
 */
export function bytesMatch(pattern: Pattern, bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new RuleEvaluationError("value must be valid UTF-8 to apply regexp");
  }
  return pattern.test(text);
}

/** Whether the bytes are valid UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** `repeated.unique` over scalars (bytes compared by content; NaN is never equal, as in CEL). */
export function allUnique(values: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  for (const v of values) {
    const key = v instanceof Uint8Array ? `b:${hex(v)}` : v;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** Exact decimal text of a bigint-or-number, for messages. */
export function numberText(value: number | bigint): string {
  return valueText(value);
}

/**
 * How far a Timestamp value is from now, in µs (never negative), for `timestamp.within`: exact to the µs, with now
 * in ms as protovalidate's `now` is.
 */
export function microsFromNow(date: Date): bigint {
  const d = epochMicrosOf(date) - BigInt(Date.now()) * 1000n;
  return d < 0n ? -d : d;
}

/** Now in µs since the epoch (protovalidate's `now`: `Date.now()`, a millisecond), for `lt_now` / `gt_now`. */
export function nowMicros(): bigint {
  return BigInt(Date.now()) * 1000n;
}

/** The type URL of an Any held as its proto3 JSON (`{ "@type": … }`); empty when there is none. */
export function anyTypeUrl(json: unknown): string {
  if (typeof json !== "object" || json === null) return "";
  const url = (json as Record<string, unknown>)["@type"];
  return typeof url === "string" ? url : "";
}

/** Two string lists with the same items in the same order (`field_mask.const` compares paths as CEL lists). */
export function stringsEqual(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `path` is one of `entries` or below one of them (`a.b` is below `a`; `ab` is not). */
function coveredBy(path: string, entries: readonly string[]): boolean {
  for (const entry of entries) {
    if (path === entry || (path.length > entry.length && path.startsWith(entry) && path[entry.length] === ".")) {
      return true;
    }
  }
  return false;
}

/** `field_mask.in`: every path is one of `allowed` or below one of them. */
export function fieldMaskWithin(paths: readonly string[], allowed: readonly string[]): boolean {
  return paths.every((p) => coveredBy(p, allowed));
}

/** `field_mask.not_in` is violated when some path is one of `denied` or below one of them. */
export function fieldMaskTouches(paths: readonly string[], denied: readonly string[]): boolean {
  return paths.some((p) => coveredBy(p, denied));
}
