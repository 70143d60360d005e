/**
 * Integer, float and decimal values checked against their column types. Every conversion returns the converted
 * value or an `Invalid` carrying the message; the caller knows the path and records the issue. Nothing here
 * wraps, rounds or saturates: a value that does not fit is an issue.
 */
import { Decimal } from "../decimal.js";
import type { Int64Representation, ScalarKind } from "./descriptor.js";

/** Why a value was rejected (the message of an issue). */
export class Invalid {
  /** `value`: the offending value when the caller does not have it (e.g. a raw column value). */
  constructor(
    readonly message: string,
    readonly value?: unknown,
  ) {}
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
export const UINT32_MAX = 4294967295;
export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;
export const UINT64_MAX = (1n << 64n) - 1n;
/** The largest finite FLOAT (32-bit) value. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export type IntegerKind = Exclude<ScalarKind, "float" | "double" | "bool" | "string" | "bytes">;

export function isIntegerKind(kind: ScalarKind): kind is IntegerKind {
  return kind !== "float" && kind !== "double" && kind !== "bool" && kind !== "string" && kind !== "bytes";
}

/** Kinds held as a JS number (the 32-bit ones); the 64-bit kinds are bigint by default. */
export function is32BitKind(kind: IntegerKind): boolean {
  return kind === "int32" || kind === "sint32" || kind === "sfixed32" || kind === "uint32" || kind === "fixed32";
}

export function integerRange(kind: IntegerKind): readonly [bigint, bigint] {
  switch (kind) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return [BigInt(INT32_MIN), BigInt(INT32_MAX)];
    case "uint32":
    case "fixed32":
      return [0n, BigInt(UINT32_MAX)];
    case "int64":
    case "sint64":
    case "sfixed64":
      return [INT64_MIN, INT64_MAX];
    case "uint64":
    case "fixed64":
      return [0n, UINT64_MAX];
  }
}

/**
 * The longest integer text that is parsed, sign and leading zeros included; longer text is refused by its length
 * alone, before a regex or BigInt reads it. BigInt's cost grows faster than the digits (V8: ~0.1 s for 1 M, ~9 s for
 * 16 M, in one JSON line), so without a bound one line of input blocks the event loop: a denial of service.
 *
 * Why 64 and not 20 (the longest values in range, "-9223372036854775808" and "18446744073709551615"): the proto3
 * JSON mapping (https://protobuf.dev/programming-guides/json/) does not forbid leading zeros in integer strings, and
 * protobuf-es's fromJson accepts them (it gives the text to BigInt/Number, and canonicalizes the map key "01" to
 * "1": `mapKeyFromJson` in @bufbuild/protobuf's from-json.js), as Go's protojson does for map keys
 * (`strconv.ParseInt` in `unmarshalMapKey`; its values are read as JSON numbers, which have no leading zeros). So
 * zero-padded text stays valid up to a length no real producer pads beyond, and BigInt's work stays trivial. Text
 * within the limit but beyond the range still gets the range message.
 */
export const MAX_INTEGER_TEXT = 64;

/** An issue when `value` is text longer than `max` characters, so that it is refused without being read further. */
export function textTooLong(value: unknown, max: number, what: string): Invalid | undefined {
  if (typeof value !== "string" || value.length <= max) return undefined;
  return new Invalid(`is too long for ${what} (${value.length} characters; at most ${max})`);
}

/** An issue when `value` is integer text longer than MAX_INTEGER_TEXT; check before a regex or BigInt reads it. */
export function integerTextTooLong(value: unknown, kind: IntegerKind): Invalid | undefined {
  return textTooLong(value, MAX_INTEGER_TEXT, kind);
}

const INTEGER_TEXT = /^-?\d+$/;

/**
 * An integer of `kind` as a bigint. 32-bit kinds accept a JS number only (their TypeScript type); 64-bit kinds
 * accept bigint, a decimal integer string or an integral number, whatever their `int64As`.
 */
export function toInteger(value: unknown, kind: IntegerKind): bigint | Invalid {
  // A record's int64 text (jstype string) may come from untrusted input as unbounded as any JSON.
  const tooLong = integerTextTooLong(value, kind);
  if (tooLong !== undefined) return tooLong;
  let n: bigint;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return new Invalid(`must be an integer (${kind})`);
    n = BigInt(value);
  } else if (is32BitKind(kind)) {
    return new Invalid(`must be a number (${kind})`);
  } else if (typeof value === "bigint") {
    n = value;
  } else if (typeof value === "string" && INTEGER_TEXT.test(value)) {
    n = BigInt(value);
  } else {
    return new Invalid(`must be a bigint, an integer string or an integer number (${kind})`);
  }
  const [min, max] = integerRange(kind);
  if (n < min || n > max) return new Invalid(`is out of range for ${kind} (${min} to ${max})`);
  return n;
}

/** A 64-bit integer in the TypeScript representation its field asks for (`jstype`). */
export function fromInt64(value: bigint, as: Int64Representation | undefined): bigint | string | number | Invalid {
  if (as === "string") return value.toString();
  if (as === "number") {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) {
      return new Invalid("does not fit a JS number exactly (int64As: number); use bigint or string");
    }
    return n;
  }
  return value;
}

/** A float/double value. A finite double beyond FLOAT's range would become ±Infinity: that is an issue. */
export function toFloat(value: unknown, kind: "float" | "double"): number | Invalid {
  if (typeof value !== "number") return new Invalid(`must be a number (${kind})`);
  if (kind === "float" && Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX) {
    return new Invalid("is out of range for FLOAT (32-bit)");
  }
  return value;
}

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * The unscaled integer of a decimal value for DECIMAL(precision, scale): `"12.3"` in DECIMAL(5,2) is 1230n.
 * Accepts decimal text, the runtime's `Decimal`, a bigint or a finite number. More fraction digits than the scale
 * (unless they are zeros) or more integer digits than precision − scale are issues: no silent rounding.
 */
export function toUnscaled(value: unknown, precision: number, scale: number): bigint | Invalid {
  let text: string;
  if (typeof value === "string") text = value;
  else if (value instanceof Decimal) text = value.value;
  else if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "number") {
    if (!Number.isFinite(value)) return new Invalid(`${value} is not a decimal number`);
    text = String(value);
  } else return new Invalid("must be a decimal string");
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return new Invalid(`must be a decimal number like "-12.34" for DECIMAL(${precision},${scale})`);
  const negative = match[1] === "-";
  const integerDigits = (match[2] ?? "").replace(/^0+/, "");
  let fraction = match[3] ?? "";
  if (fraction.length > scale) {
    if (!/^0*$/.test(fraction.slice(scale))) {
      return new Invalid(`has more than ${scale} digits after the point for DECIMAL(${precision},${scale})`);
    }
    fraction = fraction.slice(0, scale);
  }
  if (integerDigits.length > precision - scale) {
    return new Invalid(`has too many digits for DECIMAL(${precision},${scale})`);
  }
  const unscaled = BigInt(`${integerDigits || "0"}${fraction.padEnd(scale, "0")}`);
  return negative ? -unscaled : unscaled;
}

/** Decimal text with exactly `scale` digits after the point, as Spark prints DECIMAL values. */
export function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Whether the unscaled value fits DECIMAL(precision, ·). */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const limit = 10n ** BigInt(precision);
  return unscaled < limit && unscaled > -limit;
}

/** `String.prototype.isWellFormed` (Node 20+): native, much faster than the lookbehind regex kept as a fallback. */
const isWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string that is valid UTF-16, so it encodes to UTF-8 without U+FFFD replacements. */
export function toText(value: unknown): string | Invalid {
  if (typeof value !== "string") return new Invalid("must be a string");
  if (isWellFormed ? !isWellFormed.call(value) : LONE_SURROGATE.test(value)) {
    return new Invalid("contains a lone surrogate (not valid UTF-8)");
  }
  return value;
}
