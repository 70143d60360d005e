/** Samples this process's resident set size on a timer: the current value, the peak, and a value per mark. */
const MiB = 1024 * 1024;

export class RssSampler {
  current = 0;
  peak = 0;
  #baseline: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #marks: { at: number; rss: number }[] = [];

  constructor(private readonly intervalMs: number) {}

  start(): void {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Record the RSS at a point of progress; the first mark is the baseline (after one batch, all code warm). */
  mark(at: number): void {
    this.#sample();
    this.#baseline ??= this.current;
    this.#marks.push({ at, rss: this.current });
  }

  summary(): { baselineMiB: number; peakMiB: number; growthMiB: number; byBatchMiB: [number, number][] } {
    const baseline = this.#baseline ?? this.current;
    const step = Math.max(1, Math.ceil(this.#marks.length / 20));
    return {
      baselineMiB: Math.round(baseline / MiB),
      peakMiB: Math.round(this.peak / MiB),
      growthMiB: Math.round((this.peak - baseline) / MiB),
      byBatchMiB: this.#marks.filter((_, i) => i % step === 0).map((m) => [m.at, Math.round(m.rss / MiB)]),
    };
  }

  #sample(): void {
    this.current = process.memoryUsage.rss();
    if (this.current > this.peak) this.peak = this.current;
  }
}
