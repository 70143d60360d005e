/**
 * One retry helper for every RPC: exponential back-off with jitter, as patient as pyspark's default policy
 * (15 retries from 50 ms, ×4, capped at 60 s, so a client rides out about ten minutes of server restart), and
 * sleeps that end at once when the caller aborts.
 */
import { CancelledError, ConnectionError, isLakehouseError, SparkError } from "../errors.js";

export interface RetryPolicy {
  maxRetries: number;
  initialBackoffMs: number;
  multiplier: number;
  maxBackoffMs: number;
  /** Random extra delay up to this many ms, added once the back-off passes `minJitterThresholdMs`. */
  jitterMs: number;
  minJitterThresholdMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxRetries: 15,
  initialBackoffMs: 50,
  multiplier: 4,
  maxBackoffMs: 60_000,
  jitterMs: 500,
  minJitterThresholdMs: 2_000,
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
  if (!isLakehouseError(error)) return false;
  if (error instanceof ConnectionError) return true;
  if (error instanceof SparkError) {
    return error.grpcCode === "INTERNAL" && (error.errorClass ?? error.message).includes("INVALID_CURSOR.DISCONNECTED");
  }
  return false;
}

export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** attempt);
  return base >= policy.minJitterThresholdMs ? base + random() * policy.jitterMs : base;
}

export interface RetryContext {
  /** 0 for the first try. */
  attempt: number;
  lastError: unknown;
}

export async function withRetry<T>(
  fn: (context: RetryContext) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal?: AbortSignal | undefined;
    retryable?: (error: unknown) => boolean;
    onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  },
): Promise<T> {
  const retryable = options.retryable ?? isRetryable;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn({ attempt, lastError });
    } catch (error) {
      if (!retryable(error) || attempt >= options.policy.maxRetries || options.signal?.aborted) throw error;
      lastError = error;
      const delayMs = backoffMs(options.policy, attempt);
      options.onRetry?.(attempt + 1, delayMs, error);
      await sleep(delayMs, options.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError("the operation was aborted", { cause: signal.reason }));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError("the operation was aborted", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
