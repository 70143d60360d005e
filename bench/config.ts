/** Sizes and run counts of the two modes. Quick mode exists so that the harness never rots (CI runs it). */
import type { RunPlan } from "./stats.js";

export interface BenchConfig {
  readonly mode: "quick" | "full";
  /** Batch sizes (rows per insert call) per contract. */
  readonly insertSizes: { readonly basic: readonly number[]; readonly order: readonly number[] };
  /** Fewer runs for big batches: the plan for a batch of `n` rows. */
  insertPlan(n: number): RunPlan;
  /** Rows of the table read back whole and streamed, per contract. */
  readonly readRows: { readonly basic: number; readonly order: number };
  readonly readPlan: RunPlan;
  /** The long streaming step (BasicTestRecord rows, ours only, peak RSS growth); 0 skips it. */
  readonly streamRows: number;
  /** Rows of the SQL result streamed into a report's record class (typed-read.ts). */
  readonly typedReadRows: number;
  readonly validateRecords: number;
  /** Passes over the records per timed run of ours and the hand-written check (protovalidate makes one). */
  readonly validatePasses: number;
  readonly validatePlan: RunPlan;
  readonly encodeRecords: number;
  readonly encodePlan: RunPlan;
  /** Messages in the generated contract set for `buf generate`. */
  readonly generateMessages: number;
  readonly generatePlan: RunPlan;
}

export const QUICK: BenchConfig = {
  mode: "quick",
  insertSizes: { basic: [1000], order: [100] },
  insertPlan: () => ({ warmup: 0, runs: 1 }),
  readRows: { basic: 2000, order: 500 },
  readPlan: { warmup: 0, runs: 1 },
  streamRows: 5000,
  typedReadRows: 20_000,
  validateRecords: 1000,
  validatePasses: 1,
  validatePlan: { warmup: 1, runs: 3 },
  encodeRecords: 1000,
  encodePlan: { warmup: 1, runs: 3 },
  generateMessages: 20,
  generatePlan: { warmup: 0, runs: 1 },
};

export const FULL: BenchConfig = {
  mode: "full",
  insertSizes: { basic: [1000, 10_000, 100_000, 1_000_000], order: [1000, 10_000, 100_000] },
  insertPlan: (n) => (n >= 100_000 ? { warmup: 1, runs: 3 } : { warmup: 1, runs: 5 }),
  readRows: { basic: 1_000_000, order: 100_000 },
  readPlan: { warmup: 1, runs: 3 },
  streamRows: 10_000_000,
  typedReadRows: 1_000_000,
  validateRecords: 5000,
  validatePasses: 20,
  validatePlan: { warmup: 3, runs: 9 },
  encodeRecords: 20_000,
  encodePlan: { warmup: 1, runs: 5 },
  generateMessages: 200,
  generatePlan: { warmup: 1, runs: 3 },
};

/** The mode's sizes with every row count capped at `maxRows` (for a machine where the full sizes take too long). */
export function capRows(config: BenchConfig, maxRows: number): BenchConfig {
  const cap = (sizes: readonly number[]) => sizes.filter((n) => n <= maxRows);
  return {
    ...config,
    insertSizes: { basic: cap(config.insertSizes.basic), order: cap(config.insertSizes.order) },
    readRows: { basic: Math.min(config.readRows.basic, maxRows), order: Math.min(config.readRows.order, maxRows) },
    typedReadRows: Math.min(config.typedReadRows, maxRows),
  };
}
