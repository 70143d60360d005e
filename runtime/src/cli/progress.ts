/**
 * Progress of a file ingest, on stderr: on a terminal a bar (cli-progress) redrawn in place, with the bytes read of
 * the file's size, records per second, the ETA and the rejects so far, cleared when the ingest ends; otherwise
 * (a pipe, a CI log) a plain line every few seconds. The summary is the command's, printed once on stdout.
 */
import cliProgress from "cli-progress";

export interface IngestProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** The file's name, as shown. */
  readonly file: string;
  /** The file's size in bytes. */
  readonly totalBytes: number;
  /** Milliseconds between plain lines when the stream is not a terminal. */
  readonly intervalMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

export interface IngestCounts {
  readonly bytes: number;
  readonly records: number;
  readonly rejects: number;
}

/** `532 B`, `12.4 kB`, `5.0 MB`, `1.2 GB` (decimal units, as file managers show sizes). */
export function bytesText(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `5s`, `2m 05s`, `1h 02m`; `?` when unknown. */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const count = (n: number) => n.toLocaleString("en-US");

export class IngestProgress {
  readonly #stream: NodeJS.WriteStream;
  readonly #file: string;
  readonly #total: number;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #started: number;
  #nextLine: number;
  #bar: cliProgress.SingleBar | undefined;

  constructor(options: IngestProgressOptions) {
    this.#stream = options.stream ?? process.stderr;
    this.#file = options.file;
    this.#total = Math.max(1, options.totalBytes);
    this.#interval = options.intervalMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#nextLine = this.#started + this.#interval;
    if (this.#stream.isTTY) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: this.#stream,
          format: `${this.#file} {bar} {percentage}% | {read}/{size} | {rate} records/s | ETA {eta_formatted} | {rejects} rejected`,
          barsize: 24,
          barCompleteChar: "█",
          barIncompleteChar: "░",
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(this.#total, 0, { read: bytesText(0), size: bytesText(this.#total), rate: "0", rejects: 0 });
    }
  }

  update(counts: IngestCounts): void {
    const now = this.#now();
    const seconds = Math.max(0.001, (now - this.#started) / 1000);
    const rate = counts.records / seconds;
    if (this.#bar !== undefined) {
      this.#bar.update(Math.min(counts.bytes, this.#total), {
        read: bytesText(counts.bytes),
        size: bytesText(this.#total),
        rate: count(Math.round(rate)),
        rejects: counts.rejects,
      });
      return;
    }
    if (now < this.#nextLine) return;
    this.#nextLine = now + this.#interval;
    const percent = Math.floor((100 * Math.min(counts.bytes, this.#total)) / this.#total);
    const bytesPerSecond = counts.bytes / seconds;
    const eta = bytesPerSecond > 0 ? (this.#total - counts.bytes) / bytesPerSecond : Number.NaN;
    this.#stream.write(
      `${this.#file}: ${bytesText(counts.bytes)} of ${bytesText(this.#total)} (${percent}%), ${count(counts.records)} records, ` +
        `${count(Math.round(rate))} records/s, ETA ${durationText(eta)}, ${count(counts.rejects)} rejected\n`,
    );
  }

  /** Ends the display (the bar is cleared); the summary is the caller's. */
  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
