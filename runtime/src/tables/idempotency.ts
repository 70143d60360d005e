/**
 * What makes an idempotent append verifiable: a fingerprint of the batch, recorded with the commit, and one queue
 * per writer.
 *
 * Delta skips an append whose `txnVersion` is not above the last one it recorded for the `txnAppId`, silently. So
 * every append also writes a marker into the commit's `userMetadata` — its app id, version and the batch's
 * fingerprint — and a write counts as done only when the commit recorded under its key is found with the same
 * fingerprint: written by this try, or by an earlier one (a retry after a lost answer, a resumed ingest). Any other
 * skip is an `IdempotencyConflictError`, never "written".
 *
 * The fingerprint leaves out the columns the writer stamps on each record (ingest id, created/updated at): a batch
 * decoded again from the same source after a crash is the same batch, although its records were constructed anew.
 */
import { createHash } from "node:crypto";
import type { Table } from "apache-arrow";
import { encodeIpcStream } from "../arrow/ipc.js";
import { abortError } from "../errors.js";
import type { RecordDescriptor } from "../records/descriptor.js";

const STAMPED_ROLES = new Set(["ingest_id", "created_at", "updated_at"]);

/** sha256 (hex) of the batch's Arrow IPC encoding, without the columns stamped by the writer. */
export function batchFingerprint(d: RecordDescriptor, data: Table): string {
  const columns = d.fields.filter((f) => f.role === undefined || !STAMPED_ROLES.has(f.role)).map((f) => f.column);
  const hash = createHash("sha256");
  hash.update(`${data.numRows}\n`);
  // IPC is apache-arrow's canonical form of the data (buffers cut to their length, padding zeroed); the encoder is
  // deterministic, so the same records give the same bytes.
  hash.update(encodeIpcStream(data.select(columns)));
  return hash.digest("hex");
}

/** The marker of one idempotent append, kept in its commit's `userMetadata`. */
export interface BatchMarker {
  appId: string;
  txnVersion: bigint;
  /** `batchFingerprint` of the batch. */
  sha256: string;
  rows: number;
}

const MARKER_KEY = "lakehouse-contracts.batch";

export function encodeMarker(marker: BatchMarker): string {
  const { appId, txnVersion, sha256, rows } = marker;
  return JSON.stringify({ [MARKER_KEY]: { appId, txnVersion: String(txnVersion), sha256, rows } });
}

/** The marker in a commit's `userMetadata`, or undefined when it holds none (or someone else's text). */
export function decodeMarker(userMetadata: unknown): BatchMarker | undefined {
  if (typeof userMetadata !== "string" || !userMetadata.includes(MARKER_KEY)) return undefined;
  try {
    const value = (JSON.parse(userMetadata) as Record<string, unknown>)[MARKER_KEY] as Record<string, unknown>;
    const { appId, txnVersion, sha256, rows } = value;
    if (typeof appId !== "string" || typeof txnVersion !== "string" || !/^\d{1,19}$/.test(txnVersion)) return undefined;
    if (typeof sha256 !== "string" || typeof rows !== "number") return undefined;
    return { appId, txnVersion: BigInt(txnVersion), sha256, rows };
  } catch {
    return undefined;
  }
}

/** What this process knows of one writer (one app id on one table). */
export interface WriterState {
  /** The next version to give a batch; undefined until recovered from the table. */
  next: bigint | undefined;
  /** The highest version known to be recorded by Delta for the app id (recovered, or written and verified). */
  recorded: bigint | undefined;
  /** Commits found under this app id: Delta's version and the fingerprint, by txnVersion. */
  readonly commits: Map<bigint, { version: bigint; sha256: string }>;
  /** The end of the queue of this writer's appends. */
  tail: Promise<void>;
}

const writers = new Map<string, WriterState>();

/** The state of writer `key` in this process (created on first use). */
export function writerState(key: string, fresh: boolean): WriterState {
  let state = writers.get(key);
  if (state === undefined) {
    // A fresh app id (random, made by this process) has no versions in any table yet: nothing to recover.
    state = {
      next: fresh ? 1n : undefined,
      recorded: fresh ? 0n : undefined,
      commits: new Map(),
      tail: Promise.resolve(),
    };
    writers.set(key, state);
  }
  return state;
}

/**
 * Run `fn` after every earlier call queued on `state` has ended: one writer's appends reach Delta one at a time and
 * in version order (two appends of one app id at once fail with `DELTA_CONCURRENT_TRANSACTION`, and a version
 * committed before a lower one makes Delta skip the lower). Leaving the queue through `signal` is possible while
 * waiting; the next caller still waits for the ones before.
 */
export async function queued<T>(state: WriterState, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  const previous = state.tail;
  let release = () => {};
  state.tail = new Promise<void>((resolve) => {
    release = resolve;
  });
  try {
    await untilAborted(previous, signal);
    return await fn();
  } finally {
    void previous.then(release);
  }
}

function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/** @internal For tests: forget every writer's state, as a new process would start. */
export function forgetWriters(): void {
  writers.clear();
}
