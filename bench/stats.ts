/** Timing: warm-up runs, then measured runs; the figure is the median, with min and max. */

export interface Timing {
  /** Seconds of each measured run, in order. */
  readonly seconds: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface RunPlan {
  readonly warmup: number;
  readonly runs: number;
}

export function summarize(seconds: readonly number[]): Timing {
  if (seconds.length === 0) throw new Error("no measured runs");
  const sorted = [...seconds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { seconds, median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** Runs `body` `warmup` times unmeasured, then `runs` times measured (wall clock, high resolution). */
export async function measure(plan: RunPlan, body: (run: number) => unknown | Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < plan.warmup; i++) await body(-1 - i);
  const seconds: number[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const start = process.hrtime.bigint();
    await body(i);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return summarize(seconds);
}

/** Items per second at the median, and the range (min rate from the slowest run, max from the fastest). */
export function rates(items: number, t: Timing): { median: number; min: number; max: number } {
  return { median: items / t.median, min: items / t.max, max: items / t.min };
}

/**
 * Like `measure` for several peers at once, interleaved: each round runs every peer once (warm-up rounds first), so
 * a burst of load from elsewhere on a shared machine hits all peers alike instead of whichever ran at that moment.
 */
export function measureInterleaved(
  plan: RunPlan,
  bodies: Readonly<Record<string, () => unknown>>,
): Record<string, Timing> {
  const names = Object.keys(bodies);
  const seconds: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = -plan.warmup; round < plan.runs; round++) {
    for (const name of names) {
      const start = process.hrtime.bigint();
      (bodies[name] as () => unknown)();
      if (round >= 0) seconds[name]?.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(seconds[n] as number[])]));
}
