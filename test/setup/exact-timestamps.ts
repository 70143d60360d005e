/**
 * Dates compared exactly in every test: vitest's `toEqual` compares two Dates by `getTime()` (ms) only, which would
 * let a timestamp that lost its microseconds equal the original. With this tester, two Dates are equal when they are
 * the same µs (a `PreciseTimestamp`'s `epochMicros`; a plain `Date` is ms × 1000), or both invalid.
 */
import { expect } from "vitest";
import { epochMicrosOf } from "../../runtime/src/records/precise-timestamp.js";

expect.addEqualityTesters([
  function exactTimestamps(a: unknown, b: unknown): boolean | undefined {
    if (!(a instanceof Date) || !(b instanceof Date)) return undefined;
    const invalid = Number.isNaN(a.getTime());
    if (invalid || Number.isNaN(b.getTime())) return invalid && Number.isNaN(b.getTime());
    return epochMicrosOf(a) === epochMicrosOf(b);
  },
]);
