/**
 * Timestamps to the microsecond. A record's Timestamp field has the type `Date`, which holds milliseconds; Spark's
 * TIMESTAMP, Parquet's and Arrow's µs columns and proto's Timestamp hold (at least) microseconds. `PreciseTimestamp`
 * is a `Date` that also carries the microseconds within its millisecond, so every `Date` API keeps working and a
 * value read from a table, a Parquet file, proto3 JSON or a protobuf-es message goes back out exactly.
 *
 * A plain `Date` is the instant `getTime() × 1000` µs. Everything that writes a timestamp reads it through
 * `epochMicrosOf`, so a `PreciseTimestamp` and a `Date` are both accepted wherever a Timestamp is.
 */
import { InvalidArgumentError } from "../errors.js";

/** The largest |ms| a `Date` can hold (ECMA-262 §21.4.1.22: ±8.64e15 ms, ±100,000,000 days). */
const MAX_DATE_MS = 8.64e15;

/**
 * The microseconds of a PreciseTimestamp, under a registered symbol: generated code and hand-written code can load two
 * copies of the runtime (its `dist` and a bundle, say), and a value made by one must keep its microseconds in the
 * other, where `#micros` and `instanceof` of the first copy's class would not see them.
 */
const MICROS: unique symbol = Symbol.for("@lakehouse-contracts/runtime:PreciseTimestamp.micros") as never;

/**
 * A `Date` with microseconds: `getTime()` is the millisecond (rounded down, as for any `Date`), and
 * `microsecondsOfMillisecond` (0–999) the microseconds after it; `epochMicros` is the exact value.
 *
 * Decoders return one when a value has microseconds (a plain `Date` otherwise), and it is accepted wherever a `Date`
 * is. Date's methods see the millisecond only: `toISOString()`, `valueOf()` (so `<`, `-`), `getTime()`. Compare
 * exactly with `epochMicrosOf(a) === epochMicrosOf(b)`; print exactly with `toRfc3339()`.
 *
 * Every Date mutator (`setTime`, `setUTCHours`, `setMilliseconds`, …) works as on a `Date` and drops the
 * microseconds: the result is the millisecond the mutator produced, never that millisecond with a stale sub-ms part.
 * @example
 * const t = PreciseTimestamp.fromEpochMicros(1_700_000_000_123_456n);
 * t.getTime(); // 1700000000123
 * t.microsecondsOfMillisecond; // 456
 * t.toRfc3339(); // "2023-11-14T22:13:20.123456Z"
 */
export class PreciseTimestamp extends Date {
  #micros: number;

  /**
   * `ms` since the epoch (an integer) plus `micros` (0–999) microseconds.
   * @throws InvalidArgumentError when `ms` is not an integer a `Date` can hold or `micros` is not 0 to 999.
   */
  constructor(ms: number, micros = 0) {
    if (!Number.isInteger(ms) || Math.abs(ms) > MAX_DATE_MS) {
      throw new InvalidArgumentError(`PreciseTimestamp: ${ms} is not an integral millisecond a Date can hold`);
    }
    if (!Number.isInteger(micros) || micros < 0 || micros > 999) {
      throw new InvalidArgumentError(`PreciseTimestamp: ${micros} is not 0 to 999 microseconds`);
    }
    super(ms);
    this.#micros = micros;
  }

  /** `instanceof` that also holds for a value made by another copy of the runtime. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Date && typeof (value as { [MICROS]?: unknown })[MICROS] === "number";
  }

  /** @internal The microseconds, for `microsOfMilliOf` in any copy of the runtime. */
  get [MICROS](): number {
    return this.#micros;
  }

  /**
   * The instant `us` microseconds after 1970-01-01T00:00:00Z (negative: before).
   * @throws InvalidArgumentError when it is beyond a `Date`'s range.
   */
  static fromEpochMicros(us: bigint): PreciseTimestamp {
    let ms = us / 1000n;
    let micros = us % 1000n;
    if (micros < 0n) {
      ms -= 1n;
      micros += 1000n;
    }
    if (ms > BigInt(MAX_DATE_MS) || ms < -BigInt(MAX_DATE_MS)) {
      throw new InvalidArgumentError(`PreciseTimestamp: ${us} µs is beyond the range of a Date`);
    }
    return new PreciseTimestamp(Number(ms), Number(micros));
  }

  /** The microseconds after `getTime()`'s millisecond, 0 to 999. */
  get microsecondsOfMillisecond(): number {
    return this.#micros;
  }

  /** Microseconds since the epoch, exact. */
  get epochMicros(): bigint {
    return BigInt(this.getTime()) * 1000n + BigInt(this.#micros);
  }

  /** RFC 3339 in UTC with 0, 3 or 6 fraction digits, as proto3 JSON prints a Timestamp. */
  toRfc3339(): string {
    return rfc3339(this, this.#micros);
  }

  // Every mutator drops the microseconds (see the class comment). `Date.prototype`'s own methods are called, so
  // arguments and results are exactly Date's.
  override setTime(time: number): number {
    return this.#drop(Date.prototype.setTime, [time]);
  }
  override setMilliseconds(ms: number): number {
    return this.#drop(Date.prototype.setMilliseconds, [ms]);
  }
  override setUTCMilliseconds(ms: number): number {
    return this.#drop(Date.prototype.setUTCMilliseconds, [ms]);
  }
  override setSeconds(...args: [number, number?]): number {
    return this.#drop(Date.prototype.setSeconds, args);
  }
  override setUTCSeconds(...args: [number, number?]): number {
    return this.#drop(Date.prototype.setUTCSeconds, args);
  }
  override setMinutes(...args: [number, number?, number?]): number {
    return this.#drop(Date.prototype.setMinutes, args);
  }
  override setUTCMinutes(...args: [number, number?, number?]): number {
    return this.#drop(Date.prototype.setUTCMinutes, args);
  }
  override setHours(...args: [number, number?, number?, number?]): number {
    return this.#drop(Date.prototype.setHours, args);
  }
  override setUTCHours(...args: [number, number?, number?, number?]): number {
    return this.#drop(Date.prototype.setUTCHours, args);
  }
  override setDate(date: number): number {
    return this.#drop(Date.prototype.setDate, [date]);
  }
  override setUTCDate(date: number): number {
    return this.#drop(Date.prototype.setUTCDate, [date]);
  }
  override setMonth(...args: [number, number?]): number {
    return this.#drop(Date.prototype.setMonth, args);
  }
  override setUTCMonth(...args: [number, number?]): number {
    return this.#drop(Date.prototype.setUTCMonth, args);
  }
  override setFullYear(...args: [number, number?, number?]): number {
    return this.#drop(Date.prototype.setFullYear, args);
  }
  override setUTCFullYear(...args: [number, number?, number?]): number {
    return this.#drop(Date.prototype.setUTCFullYear, args);
  }

  #drop(setter: (this: Date, ...args: never[]) => number, args: readonly (number | undefined)[]): number {
    this.#micros = 0;
    // Date's setters read `arguments.length`, so optional arguments not given must not be passed as undefined.
    return setter.apply(this, args as never[]);
  }
}

/** The exact instant of a `Date` in µs since the epoch: a `PreciseTimestamp`'s `epochMicros`, else ms × 1000. */
export function epochMicrosOf(date: Date): bigint {
  return BigInt(date.getTime()) * 1000n + BigInt(microsOfMilliOf(date));
}

/** The microseconds after a `Date`'s millisecond: 0 for a plain `Date`. */
export function microsOfMilliOf(date: Date): number {
  const micros = (date as { [MICROS]?: unknown })[MICROS];
  return typeof micros === "number" ? micros : 0;
}

/**
 * The `Date` to hold `ms` + `micros` µs: a plain `Date` when there are no microseconds, so values without them read
 * back exactly as before, and a `PreciseTimestamp` otherwise.
 */
export function timestampOf(ms: number, micros: number): Date {
  return micros === 0 ? new Date(ms) : new PreciseTimestamp(ms, micros);
}

/** µs since the epoch as a `Date` (a `PreciseTimestamp` when they are not whole milliseconds), rounding toward -∞. */
export function timestampOfMicros(us: bigint): Date {
  let ms = us / 1000n;
  let micros = us % 1000n;
  if (micros < 0n) {
    ms -= 1n;
    micros += 1000n;
  }
  return timestampOf(Number(ms), Number(micros));
}

/**
 * `date` + `micros` µs in RFC 3339, UTC, with 0, 3 or 6 fraction digits (proto3 JSON: "0, 3, 6 or 9 fractional
 * digits").
 */
export function rfc3339(date: Date, micros: number): string {
  // toISOString() always ends ".sssZ" (years beyond 0000–9999 as ±YYYYYY, for issue texts).
  const iso = date.toISOString();
  if (micros !== 0) return `${iso.slice(0, -1)}${String(micros).padStart(3, "0")}Z`;
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}
