/** The contracts the bench writes and reads. */
import { basic } from "./basic.js";
import type { BenchContract } from "./contract.js";
import { order } from "./order.js";

export { basic, order };
export const CONTRACTS: readonly BenchContract[] = [basic as BenchContract, order as BenchContract];

/** Rows 0..n-1 of a contract as records (built before any timing: users already have their records). */
export function records<T extends object>(contract: BenchContract<T>, n: number): T[] {
  return Array.from({ length: n }, (_, i) => contract.row(i));
}
