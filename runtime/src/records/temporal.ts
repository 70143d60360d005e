/**
 * Timestamps, dates and durations between their TypeScript types, their column values and proto3 JSON.
 * - Timestamp: `Date` (a `PreciseTimestamp` when it has microseconds) ↔ int64 µs since the epoch, UTC, exact. Spark's
 *   TIMESTAMP and proto's Timestamp both span 0001-01-01 to 9999-12-31 (proleptic Gregorian); a `Date` outside that
 *   span is an issue, and so is a value finer than the µs (the column holds µs), in the words used for Durations.
 * - Date (google.type.Date): `"YYYY-MM-DD"` ↔ int32 days since the epoch (Arrow DateDay, Spark DATE).
 * - Duration: bigint µs ↔ proto3 JSON `"1.5s"`, within proto's ±315,576,000,000 s.
 */
import { Invalid, MAX_INTEGER_TEXT, textTooLong } from "./numbers.js";
import { microsOfMilliOf, rfc3339, timestampOf, timestampOfMicros } from "./precise-timestamp.js";

const MS_PER_DAY = 86_400_000;
/** 0001-01-01T00:00:00.000Z */
export const MIN_TIMESTAMP_MS = -62_135_596_800_000;
/** 9999-12-31T23:59:59.999Z (and up to 999 µs after it) */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

const RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z";
/** The issue of a value finer than the µs; Durations say the same (see `parseDuration`). */
const NANOS = "has nanoseconds; timestamps are stored in microseconds";

/** The value itself when it is a `Date` (or a `PreciseTimestamp`) within the TIMESTAMP range. */
export function toTimestamp(value: unknown): Date | Invalid {
  if (!(value instanceof Date)) return new Invalid("must be a Date");
  const ms = value.getTime();
  if (Number.isNaN(ms)) return new Invalid("is an invalid Date");
  if (ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) return new Invalid(`is outside the TIMESTAMP range ${RANGE}`);
  return value;
}

const TWO_32 = 2 ** 32;

/**
 * Writes `ms × 1000 + micros` (µs) as a little-endian int64 into `words[2i]` (low) and `words[2i + 1]` (high)
 * without a bigint: every intermediate stays below 2^53, so the result is exact over the whole TIMESTAMP range.
 */
export function writeMicros(words: Int32Array, i: number, ms: number, micros: number): void {
  const high = Math.floor(ms / TWO_32);
  const low = (ms - high * TWO_32) * 1000 + micros; // < 2^42
  const carry = Math.floor(low / TWO_32);
  words[2 * i] = low - carry * TWO_32;
  words[2 * i + 1] = high * 1000 + carry;
}

/**
 * The µs int64 at `i` of a column's values, seen as little-endian int32 `words`, as a `Date` (a `PreciseTimestamp`
 * when it has µs), without a bigint: 2^32 = 4,294,967 × 1000 + 296, so `high × 2^32 + low` splits into ms and µs
 * with every intermediate below 2^53. The reader of µs columns (Spark's, ours), where most values are.
 */
export function readMicros(words: Int32Array, i: number): Date {
  const low = (words[2 * i] as number) >>> 0;
  const high = words[2 * i + 1] as number;
  const rest = high * 296 + low;
  const q = Math.floor(rest / 1000);
  return timestampOf(high * 4_294_967 + q, rest - q * 1000);
}

/**
 * A timestamp column value in `unitsPerSecond` (1 for s … 1e9 for ns) to a `Date`, exact: a `PreciseTimestamp`
 * when it has microseconds; nanoseconds that are not zero are an issue, as for Durations.
 */
export function timestampToDate(value: bigint, unitsPerSecond: bigint): Date | Invalid {
  let us = value;
  if (unitsPerSecond > 1_000_000n) {
    const per = unitsPerSecond / 1_000_000n;
    if (value % per !== 0n) return new Invalid(NANOS, value);
    us = value / per;
  } else {
    us = value * (1_000_000n / unitsPerSecond);
  }
  return timestampOfMicros(us);
}

function utcMs(year: number, month: number, day: number, h = 0, m = 0, s = 0): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(h, m, s, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date, year 0001 to 9999, as days since 1970-01-01. */
export function dateToDays(year: number, month: number, day: number): number | Invalid {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return new Invalid("year must be 1 to 9999 for a DATE");
  if (!Number.isInteger(month) || month < 1 || month > 12) return new Invalid("month must be 1 to 12");
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) {
    return new Invalid("day is not in the month");
  }
  return utcMs(year, month, day) / MS_PER_DAY;
}

/** `"YYYY-MM-DD"` to days since the epoch. */
export function parseDate(value: unknown): number | Invalid {
  if (typeof value !== "string") return new Invalid('must be a "YYYY-MM-DD" string');
  const match = DATE_TEXT.exec(value);
  if (match === null) return new Invalid('must be a date like "2024-01-31"');
  return dateToDays(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function daysToParts(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function formatDate(days: number): string {
  const { year, month, day } = daysToParts(days);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * The longest Timestamp text read. Every part of RFC 3339 has a fixed width, so the longest valid text is 35
 * characters ("9999-12-31T23:59:59.999999999+23:59"); the regex below could not run away on longer text, but the
 * limit states the bound and gives a clear issue instead of "must be an RFC 3339 timestamp".
 */
const MAX_TIMESTAMP_TEXT = 64;

/**
 * Upper-case "T" and "Z" only: RFC 3339 allows lower case, but protobuf-es refuses it (test/unit/proto-es-property
 * found the difference), and a record accepted here should be one other proto3 JSON readers accept.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp as proto3 JSON writes it (`1972-01-01T10:00:20.021Z`, any offset), exact: a
 * `PreciseTimestamp` when it has microseconds. Nanoseconds that are not zero are an issue (the column holds µs).
 */
export function parseTimestamp(value: unknown): Date | Invalid {
  if (typeof value !== "string") return new Invalid("must be an RFC 3339 timestamp string");
  const tooLong = textTooLong(value, MAX_TIMESTAMP_TEXT, "a Timestamp");
  if (tooLong !== undefined) return tooLong;
  const m = RFC3339.exec(value);
  if (m === null) return new Invalid('must be an RFC 3339 timestamp like "2024-01-31T12:00:00Z"');
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const days = dateToDays(year, month, day);
  if (days instanceof Invalid) return days;
  if (hour > 23 || minute > 59 || second > 59) return new Invalid("has an invalid time of day");
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return new Invalid("has an invalid UTC offset");
    offsetMinutes = (m[8] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const nanos = (m[7] ?? "").padEnd(9, "0");
  if (!nanos.endsWith("000")) return new Invalid(NANOS);
  const millis = Number(nanos.slice(0, 3));
  const ms = days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  if (ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) return new Invalid(`is outside ${RANGE}`);
  return timestampOf(ms, Number(nanos.slice(3, 6)));
}

/** RFC 3339 in UTC with 0, 3 or 6 fraction digits, as proto3 JSON prints a Timestamp. */
export function formatTimestamp(date: Date): string {
  return rfc3339(date, microsOfMilliOf(date));
}

const MAX_DURATION_SECONDS = 315_576_000_000n;
const MAX_DURATION_MICROS = MAX_DURATION_SECONDS * 1_000_000n + 999_999n;

/** A duration in µs (bigint, or an integral number) within proto's Duration range. */
export function toDurationMicros(value: unknown): bigint | Invalid {
  let us: bigint;
  if (typeof value === "bigint") us = value;
  else if (typeof value === "number" && Number.isInteger(value)) us = BigInt(value);
  else return new Invalid("must be a bigint of microseconds");
  if (us > MAX_DURATION_MICROS || us < -MAX_DURATION_MICROS) {
    return new Invalid("is outside the Duration range of ±315,576,000,000 seconds");
  }
  return us;
}

/**
 * The longest Duration text read: sign, seconds with leading zeros as for integers (MAX_INTEGER_TEXT; protobuf-es
 * accepts them too), `.`, 9 digits of fraction and `s`. The longest value in range, "-315576000000.999999999s", is
 * 24 characters; anything beyond the limit is refused before the regex and BigInt read the seconds' digits.
 */
const MAX_DURATION_TEXT = MAX_INTEGER_TEXT;
const DURATION_TEXT = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

/** proto3 JSON `"-1.5s"` to µs; nanosecond digits that are not zero are an issue (the column holds µs). */
export function parseDuration(value: unknown): bigint | Invalid {
  if (typeof value !== "string") return new Invalid('must be a duration string like "1.5s"');
  const tooLong = textTooLong(value, MAX_DURATION_TEXT, "a Duration");
  if (tooLong !== undefined) return tooLong;
  const m = DURATION_TEXT.exec(value);
  if (m === null) return new Invalid('must be a duration string like "1.5s"');
  const nanos = (m[3] ?? "").padEnd(9, "0");
  if (!nanos.endsWith("000")) return new Invalid("has nanoseconds; durations are stored in microseconds");
  const us = BigInt(m[2] ?? "0") * 1_000_000n + BigInt(nanos.slice(0, 6));
  return toDurationMicros(m[1] === "-" ? -us : us);
}

/** µs to proto3 JSON, with 0, 3 or 6 fraction digits. */
export function formatDuration(us: bigint): string {
  const negative = us < 0n;
  const abs = negative ? -us : us;
  const seconds = abs / 1_000_000n;
  let fraction = (abs % 1_000_000n).toString().padStart(6, "0");
  if (fraction === "000000") fraction = "";
  else if (fraction.endsWith("000")) fraction = fraction.slice(0, 3);
  return `${negative ? "-" : ""}${seconds}${fraction ? `.${fraction}` : ""}s`;
}
