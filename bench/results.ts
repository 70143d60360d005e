/** What every section returns: measured figures, comparisons against peers, and correctness checks. */
import type { Timing } from "./stats.js";

export type Section = "insert" | "read" | "typed-read" | "validate" | "encode" | "generate" | "ingest";

export interface Figure {
  readonly section: Section;
  /** What was measured, e.g. "basic" or "order, stream rows". */
  readonly case: string;
  /** Items per run (rows, records, messages). */
  readonly size: number;
  /** Who: "ours", "pyspark-client", "floor (Spark)", "protovalidate", … */
  readonly peer: string;
  /** "rows/s", "validations/s", "records/s", or "s" (a duration: lower is better). */
  readonly unit: string;
  readonly timing: Timing;
  /** Rate at the median (items/s); absent for durations. */
  readonly rate?: number;
  /** Peak resident memory of the process that did the work, and its growth over the baseline before the work. */
  readonly rssPeakMiB?: number;
  readonly rssGrowthMiB?: number;
  readonly note?: string;
}

export interface Comparison {
  readonly section: Section;
  readonly case: string;
  readonly size: number;
  readonly ours: string;
  readonly peer: string;
  /** ours ÷ peer in throughput (>1: ours is faster); for durations, peer time ÷ our time. */
  readonly ratio: number;
  /** The goal for this ratio, e.g. 1 (≥ 1.0×) or 1/1.5 (within 1.5× of the floor). */
  readonly goal?: number;
  readonly goalText?: string;
}

export interface Check {
  readonly section: Section;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface SectionResult {
  readonly figures: Figure[];
  readonly comparisons: Comparison[];
  readonly checks: Check[];
  readonly notes: string[];
}

export function emptySection(): SectionResult {
  return { figures: [], comparisons: [], checks: [], notes: [] };
}

/** The throughput figure of `peer` for a case and size. */
export function findFigure(figures: readonly Figure[], c: string, size: number, peer: string): Figure | undefined {
  return figures.find((f) => f.case === c && f.size === size && f.peer === peer);
}

/** ours ÷ peer by rate; undefined when either is missing. */
export function compare(
  figures: readonly Figure[],
  section: Section,
  c: string,
  size: number,
  ours: string,
  peer: string,
  goal?: { ratio: number; text: string },
): Comparison | undefined {
  const a = findFigure(figures, c, size, ours);
  const b = findFigure(figures, c, size, peer);
  if (!a?.rate || !b?.rate) return undefined;
  return {
    section,
    case: c,
    size,
    ours,
    peer,
    ratio: a.rate / b.rate,
    ...(goal ? { goal: goal.ratio, goalText: goal.text } : {}),
  };
}
