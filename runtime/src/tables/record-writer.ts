/**
 * A writer for many concurrent callers (an API that writes what each request brings): group commit.
 *
 * - `write(records)` validates at once (an invalid record rejects that call only), queues the valid records and
 *   resolves after the Delta commit that holds them, with its version.
 * - A commit takes what is queued, cut at `maxRecords`, `maxBytes` or when the oldest queued write has waited
 *   `maxDelayMs`; one commit is in flight while the next group fills. Each commit is an exactly-once append under
 *   the writer's app id (record-table.ts, idempotency.ts). A commit that fails fails exactly the writes in it.
 * - The queue is bounded (`maxQueuedRecords`): a write waits for room (back-pressure) or fails at once with
 *   `WriterQueueFullError` (`whenFull: "fail"`). Each write takes a signal and a deadline.
 * - A caller's own key (`write(records, { key: requestId })`) is remembered for `dedupeWindowMs`: the same key again
 *   gets the first write's outcome and writes nothing.
 * - The writer commits on a session of its own, and releases it for a new one once `rotateAfterBytes` have been
 *   uploaded: Spark keeps every uploaded batch in the driver's memory until its session ends (see
 *   `ArtifactManager.uploadedBytes`), so a writer that never rotated would grow the driver for ever.
 */
import type { Table } from "apache-arrow";
import { abortError, errorGuard, LakehouseError } from "../errors.js";
import type { SparkSession } from "../spark/session.js";
import { WriteCancelledError } from "./errors.js";
import type { InsertOptions, InsertResult, PreparedBatch } from "./record-table.js";

export interface RecordWriterOptions {
  /** Records per commit at most. Default 50,000. */
  maxRecords?: number;
  /** Arrow bytes per commit at most. Default 64 MiB. */
  maxBytes?: number;
  /** A write waits at most this long for others to join its commit. Default 100 ms. */
  maxDelayMs?: number;
  /** Records waiting for a commit at most (those in the commit in flight not counted). Default 200,000. */
  maxQueuedRecords?: number;
  /** When the queue is full: wait for room (default) or fail with `WriterQueueFullError`. */
  whenFull?: "wait" | "fail";
  /** The app id of the writer's commits. Default: the table handle's. */
  appId?: string;
  /** How long a caller's key (`write(…, { key })`) is remembered. Default 10 minutes. */
  dedupeWindowMs?: number;
  /** Release the writer's session for a new one once this many bytes were uploaded into it. Default 64 MiB. */
  rotateAfterBytes?: number;
}

export interface WriteOptions extends Pick<InsertOptions, "onInvalid"> {
  signal?: AbortSignal | undefined;
  /** A deadline for this write, in ms: it fails with `TimeoutError` if its commit has not started by then. */
  timeoutMs?: number | undefined;
  /** The caller's idempotency key (a request id): the same key within `dedupeWindowMs` writes nothing twice. */
  key?: string | undefined;
}

export interface WriteResult {
  /** The Delta version of the commit that holds the records (undefined when none was valid: nothing to write). */
  version: bigint | undefined;
  /** Records of this write in the table (invalid ones skipped under `onInvalid: "skip"` not counted). */
  written: number;
  rejected: InsertResult["rejected"];
  /** The commit's key: the writer's app id and the commit's txnVersion (undefined when nothing was written). */
  idempotencyKey: { appId: string; version: bigint } | undefined;
  /** The records of the whole commit (this write's and others'). */
  commitRecords: number;
  /** This write's key had been written before (within the window): nothing was written again. */
  duplicate: boolean;
}

/** What a writer needs of its table: a `RecordTable` on the writer's session. */
export interface WriterTable<T> {
  readonly appId: string;
  prepareBatch(records: readonly T[], options?: InsertOptions): PreparedBatch;
  appendBatch(batch: PreparedBatch, options?: { signal?: AbortSignal | undefined }): Promise<InsertResult>;
}

/** The queue was full and the write asked not to wait (`whenFull: "fail"`). Nothing of it was queued. */
export class WriterQueueFullError extends LakehouseError {
  override name = "WriterQueueFullError";
  constructor(queued: number, limit: number) {
    super("queue_full", `the writer's queue is full (${queued} records waiting, at most ${limit}); try again later`);
  }
}

/** A write to a writer that was closed. */
export class WriterClosedError extends LakehouseError {
  override name = "WriterClosedError";
  constructor() {
    super("writer_closed", "the writer is closed");
  }
}

/** The writer's queue was full and the write asked not to wait (code "queue_full"). */
export const isWriterQueueFullError = errorGuard<WriterQueueFullError>("queue_full");

/** A write to a closed writer (code "writer_closed"). */
export const isWriterClosedError = errorGuard<WriterClosedError>("writer_closed");

interface Pending {
  readonly data: Table;
  readonly records: number;
  readonly bytes: number;
  readonly rejected: InsertResult["rejected"];
  readonly queuedAt: number;
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
  /** Set once the write is part of a commit: its signal no longer takes it out. */
  taken: boolean;
  done: boolean;
  readonly cleanup: () => void;
}

/** Callers' keys remembered at most, whatever the window. */
const MAX_KEYS = 100_000;

const DEFAULTS = {
  maxRecords: 50_000,
  maxBytes: 64 * 1024 * 1024,
  maxDelayMs: 100,
  maxQueuedRecords: 200_000,
  dedupeWindowMs: 10 * 60_000,
  rotateAfterBytes: 64 * 1024 * 1024,
};

export class RecordWriter<T extends object> {
  readonly #table: WriterTable<T>;
  readonly #session: SparkSession;
  readonly #options: Required<Omit<RecordWriterOptions, "appId">>;
  #queue: Pending[] = [];
  #queuedRecords = 0;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Waiters for room in the queue. */
  #room: (() => void)[] = [];
  /** Callers' keys: the outcome of their first write, until the window passes. */
  readonly #keys = new Map<string, { outcome: Promise<WriteResult>; expires: number }>();
  /** Commits made and records committed, for observers. */
  readonly stats = { commits: 0, records: 0, rotations: 0 };

  constructor(table: WriterTable<T>, session: SparkSession, options: RecordWriterOptions = {}) {
    this.#table = table;
    this.#session = session;
    this.#options = {
      maxRecords: options.maxRecords ?? DEFAULTS.maxRecords,
      maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      maxQueuedRecords: options.maxQueuedRecords ?? DEFAULTS.maxQueuedRecords,
      whenFull: options.whenFull ?? "wait",
      dedupeWindowMs: options.dedupeWindowMs ?? DEFAULTS.dedupeWindowMs,
      rotateAfterBytes: options.rotateAfterBytes ?? DEFAULTS.rotateAfterBytes,
    };
  }

  /** Records waiting for a commit. */
  get queued(): number {
    return this.#queuedRecords;
  }

  /**
   * Validate `records`, queue them, and resolve once the commit that holds them is in the table. An invalid record
   * rejects this write at once (`RecordsRejectedError`), unless `onInvalid: "skip"`.
   */
  async write(records: readonly T[], options: WriteOptions = {}): Promise<WriteResult> {
    if (this.#closed) throw new WriterClosedError();
    const key = options.key;
    if (key !== undefined) {
      this.#forgetExpiredKeys();
      const known = this.#keys.get(key);
      if (known) return { ...(await known.outcome), duplicate: true };
    }
    const outcome = this.#write(records, options);
    if (key !== undefined) {
      this.#keys.set(key, { outcome, expires: Date.now() + this.#options.dedupeWindowMs });
      // A write that did not reach the table may be tried again under the same key.
      outcome.catch(() => this.#keys.delete(key));
    }
    return outcome;
  }

  /** Commit what is queued now, and resolve when every write queued so far is in the table (or failed). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#queue.length > 0 && this.#inFlight === undefined) this.#commitNext();
      const inFlight = this.#inFlight;
      if (inFlight === undefined) return;
      await inFlight;
    }
  }

  /** Take no more writes, commit those queued, and release the writer's session. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      for (const wake of this.#room.splice(0)) wake();
      await this.#session.close();
    }
  }

  async #write(records: readonly T[], options: WriteOptions): Promise<WriteResult> {
    const signal =
      options.timeoutMs === undefined
        ? options.signal
        : options.signal
          ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)])
          : AbortSignal.timeout(options.timeoutMs);
    const batch = this.#table.prepareBatch(records, { onInvalid: options.onInvalid ?? "reject" });
    if (batch.data === undefined) {
      // No valid record (or none at all): nothing to commit.
      const result = { version: undefined, idempotencyKey: undefined, commitRecords: 0, duplicate: false };
      return { ...result, written: 0, rejected: batch.rejected };
    }
    // Wait for room; from the last check to the queue there is no await, so two writes never both take the room.
    while (!this.#hasRoom(batch.inserted)) await this.#roomFreed(signal);
    return new Promise<WriteResult>((resolve, reject) => {
      const onAbort = () => {
        if (pending.taken || pending.done) return;
        // Still queued: taken out, so nothing of it will be written.
        this.#queue = this.#queue.filter((p) => p !== pending);
        this.#queuedRecords -= pending.records;
        this.#wakeRoom();
        pending.done = true;
        reject(new WriteCancelledError(abortError(signal), { committed: false }));
      };
      const pending: Pending = {
        data: batch.data as Table,
        records: batch.inserted,
        bytes: arrowBytes(batch.data as Table),
        rejected: batch.rejected,
        queuedAt: Date.now(),
        resolve,
        reject,
        taken: false,
        done: false,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      if (signal?.aborted) {
        reject(new WriteCancelledError(abortError(signal), { committed: false }));
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(pending);
      this.#queuedRecords += pending.records;
      this.#schedule();
    });
  }

  /** Whether `records` more fit the queue (a write larger than the whole queue still goes in, alone). */
  #hasRoom(records: number): boolean {
    return this.#queuedRecords === 0 || this.#queuedRecords + records <= this.#options.maxQueuedRecords;
  }

  /** Resolves when a commit takes records out of the queue; fails at once under `whenFull: "fail"`. */
  #roomFreed(signal: AbortSignal | undefined): Promise<void> {
    if (this.#options.whenFull === "fail") {
      return Promise.reject(new WriterQueueFullError(this.#queuedRecords, this.#options.maxQueuedRecords));
    }
    if (this.#closed) return Promise.reject(new WriterClosedError());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new WriteCancelledError(abortError(signal), { committed: false }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#room.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  #wakeRoom(): void {
    for (const wake of this.#room.splice(0)) wake();
  }

  /** Start a commit when a group is ready and none is in flight; else wake up when the oldest write is due. */
  #schedule(): void {
    if (this.#inFlight !== undefined || this.#queue.length === 0) return;
    const oldest = this.#queue[0] as Pending;
    const bytes = this.#queue.reduce((n, p) => n + p.bytes, 0);
    const due = oldest.queuedAt + this.#options.maxDelayMs - Date.now();
    if (this.#queuedRecords >= this.#options.maxRecords || bytes >= this.#options.maxBytes || due <= 0) {
      this.#commitNext();
      return;
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, due);
    }
  }

  /** Cut the next group from the queue and commit it; the next group is scheduled when it ends. */
  #commitNext(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const group: Pending[] = [];
    let records = 0;
    let bytes = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as Pending;
      const fits = records + next.records <= this.#options.maxRecords && bytes + next.bytes <= this.#options.maxBytes;
      if (group.length > 0 && !fits) break;
      this.#queue.shift();
      next.taken = true;
      group.push(next);
      records += next.records;
      bytes += next.bytes;
    }
    this.#queuedRecords -= records;
    this.#wakeRoom();
    this.#inFlight = this.#commit(group, records).finally(() => {
      this.#inFlight = undefined;
      this.#schedule();
    });
  }

  async #commit(group: readonly Pending[], records: number): Promise<void> {
    const data = concat(group.map((p) => p.data));
    try {
      const result = await this.#table.appendBatch({ inserted: records, rejected: [], data });
      this.stats.commits++;
      this.stats.records += records;
      const key = result.idempotencyKey;
      for (const p of group) {
        settle(p, () =>
          p.resolve({
            version: result.version,
            written: p.records,
            rejected: p.rejected,
            idempotencyKey: key,
            commitRecords: records,
            duplicate: false,
          }),
        );
      }
    } catch (error) {
      for (const p of group) settle(p, () => p.reject(error));
    }
    await this.#rotateIfDue();
  }

  /** Between commits: a new session once the current one holds `rotateAfterBytes` of uploaded data. */
  async #rotateIfDue(): Promise<void> {
    const uploaded = this.#session.artifacts.uploadedBytes;
    if (uploaded < this.#options.rotateAfterBytes) return;
    // Releasing is best effort (rotate never throws for it); the count starts again in the new session.
    await this.#session.rotate(`${uploaded} bytes uploaded`);
    this.stats.rotations++;
  }

  #forgetExpiredKeys(): void {
    const now = Date.now();
    for (const [key, entry] of this.#keys) {
      // Keys are remembered in time order: the first one still valid ends the sweep. A bound on their number keeps
      // a flood of distinct keys from growing the map within one window.
      if (entry.expires > now && this.#keys.size <= MAX_KEYS) break;
      this.#keys.delete(key);
    }
  }
}

function settle(p: Pending, act: () => void): void {
  if (p.done) return;
  p.done = true;
  p.cleanup();
  act();
}

function concat(tables: readonly Table[]): Table {
  if (tables.length === 1) return tables[0] as Table;
  const first = tables[0] as Table;
  return first.concat(...tables.slice(1));
}

function arrowBytes(table: Table): number {
  return table.batches.reduce((n, b) => n + b.data.byteLength, 0);
}
