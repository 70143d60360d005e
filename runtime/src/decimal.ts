/**
 * An exact decimal value for Spark's DECIMAL(p, s): kept as its canonical string, never as a float.
 * `new Decimal("12.30")` has precision 4 and scale 2, as Spark would infer for the literal `12.30BD`.
 */
import { InvalidArgumentError } from "./errors.js";

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;
export const MAX_DECIMAL_PRECISION = 38;

export class Decimal {
  /** Canonical text: optional `-`, no leading zeros, the scale's digits after the point. */
  readonly value: string;
  readonly precision: number;
  readonly scale: number;

  constructor(value: string | bigint | number) {
    const text = typeof value === "string" ? value.trim() : String(value);
    const match = DECIMAL.exec(text);
    if (!match || (typeof value === "number" && !Number.isFinite(value))) {
      throw new InvalidArgumentError(`not a decimal number: "${text.slice(0, 60)}"`);
    }
    const sign = match[1] === "-" ? "-" : "";
    const intPart = (match[2] ?? "0").replace(/^0+(?=\d)/, "");
    const fraction = match[3] ?? "";
    this.scale = fraction.length;
    const digits = (intPart === "0" ? "" : intPart) + fraction;
    this.precision = Math.max(digits.replace(/^0+/, "").length, this.scale, 1);
    if (this.precision > MAX_DECIMAL_PRECISION) {
      throw new InvalidArgumentError(`decimal "${text.slice(0, 60)}" has more than ${MAX_DECIMAL_PRECISION} digits`);
    }
    const isZero = /^0*$/.test(intPart + fraction);
    this.value = `${sign && !isZero ? "-" : ""}${intPart}${fraction ? `.${fraction}` : ""}`;
  }

  toString(): string {
    return this.value;
  }

  toJSON(): string {
    return this.value;
  }
}
