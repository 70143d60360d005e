/**
 * One retry budget per call. A call (a query, an insert, a `connect()`) gets one `RetryBudget`, and every layer
 * under it — the unary RPCs, the ExecutePlan stream's reattaches, a table operation run again after the server
 * lost its session — spends retries from that same budget, so retries never nest: one insert against a dead server
 * makes at most `maxRetries` retries in all, never `maxRetries` per layer.
 *
 * The default policy keeps trying for about five minutes (long enough for a server or driver restart) with
 * back-off capped at 5 s, so a call resumes within seconds of the server being back (pyspark's policy caps at
 * 60 s: a client could sleep a minute after the server had returned). Sleeps end at once when the caller aborts.
 */
import { abortError, ConnectionError, isConnectionError, isSparkError } from "../errors.js";

export interface RetryPolicy {
  /** Retries without progress (a stream that delivers a response starts the count again). */
  maxRetries: number;
  initialBackoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
  /** Random extra delay up to this many ms, added once the back-off passes `minJitterThresholdMs`. */
  jitterMs: number;
  minJitterThresholdMs: number;
  /** No retry starts later than this after the call's last progress (or its start). Default 5 minutes. */
  maxElapsedMs?: number | undefined;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxRetries: 70,
  initialBackoffMs: 100,
  multiplier: 2,
  maxBackoffMs: 5_000,
  jitterMs: 500,
  minJitterThresholdMs: 2_000,
  maxElapsedMs: 300_000,
};

/** No waiting between tries (tests, or callers that retry themselves). */
export const NO_BACKOFF_RETRY_POLICY: Readonly<RetryPolicy> = {
  ...DEFAULT_RETRY_POLICY,
  initialBackoffMs: 0,
  maxBackoffMs: 0,
  jitterMs: 0,
};

/**
 * Transient: the server is unreachable or restarting, or Spark reports a cursor that lost its stream
 * (`INVALID_CURSOR.DISCONNECTED`), which reattaching fixes.
 */
export function isRetryable(error: unknown): boolean {
  if (isConnectionError(error)) return true;
  return (
    isSparkError(error) &&
    error.grpcCode === "INTERNAL" &&
    (error.errorClass ?? error.message).includes("INVALID_CURSOR.DISCONNECTED")
  );
}

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** attempt);
  return base >= policy.minJitterThresholdMs ? base + random() * policy.jitterMs : base;
}

export interface RetryBudgetOptions {
  signal?: AbortSignal | undefined;
  /** Called before each sleep: the operation retried, the retry's number (from 1), the delay and the error. */
  onRetry?: ((operation: string, attempt: number, delayMs: number, error: unknown) => void) | undefined;
  now?: () => number;
}

/** The retries one call may still make. Shared by every layer of the call; see the module comment. */
export class RetryBudget {
  readonly policy: Readonly<RetryPolicy>;
  readonly signal: AbortSignal | undefined;
  readonly #onRetry: RetryBudgetOptions["onRetry"];
  readonly #now: () => number;
  #retries = 0;
  #total = 0;
  #since: number;

  constructor(policy: Readonly<RetryPolicy>, options: RetryBudgetOptions = {}) {
    this.policy = policy;
    this.signal = options.signal;
    this.#onRetry = options.onRetry;
    this.#now = options.now ?? Date.now;
    this.#since = this.#now();
  }

  /** Retries made so far by the whole call (progress does not reset this count). */
  get retries(): number {
    return this.#total;
  }

  /**
   * Sleep before the next try of `operation`, or throw `error` when the budget is spent (`CancelledError` when the
   * caller aborted). Callers decide beforehand whether `error` is worth a retry at all.
   */
  async beforeRetry(operation: string, error: unknown, delayMs?: number): Promise<void> {
    if (this.signal?.aborted) throw abortError(this.signal);
    const delay = delayMs ?? backoffMs(this.policy, this.#retries);
    const elapsed = this.#now() - this.#since + delay;
    if (this.#retries >= this.policy.maxRetries || elapsed > (this.policy.maxElapsedMs ?? Number.POSITIVE_INFINITY)) {
      throw exhausted(error, this.#total, this.#now() - this.#since);
    }
    this.#retries++;
    this.#total++;
    this.#onRetry?.(operation, this.#retries, delay, error);
    await sleep(delay, this.signal);
  }

  /** The call made progress (a stream delivered a response): the count and the clock start again. */
  progressed(): void {
    this.#retries = 0;
    this.#since = this.#now();
  }
}

/** The last error, saying that the retries are spent when it is a connection error (its message is its own). */
function exhausted(error: unknown, retries: number, elapsedMs: number): unknown {
  if (!isConnectionError(error) || retries === 0) return error;
  return new ConnectionError(
    `${error.message} (gave up after ${retries} retries in ${Math.round(elapsedMs / 1000)} s)`,
  );
}

/**
 * Run `fn` until it succeeds, spending retries from `budget` on errors `retryable` accepts (default:
 * `isRetryable`). `fn` gets the 0-based try number.
 */
export async function withRetry<T>(
  operation: string,
  fn: (attempt: number) => Promise<T>,
  budget: RetryBudget,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (budget.signal?.aborted || !retryable(error)) throw error;
      await budget.beforeRetry(operation, error);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
