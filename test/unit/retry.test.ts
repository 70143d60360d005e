import { describe, expect, test } from "vitest";
import {
  CancelledError,
  ConnectionError,
  DEFAULT_RETRY_POLICY,
  NO_BACKOFF_RETRY_POLICY,
  SparkError,
  TimeoutError,
} from "../../runtime/src/index.js";
import { backoffMs, isRetryable, RetryBudget, sleep, withRetry } from "../../runtime/src/spark/retry.js";

const noJitter = () => 0;

describe("retry policy", () => {
  test("rides out five minutes of server restart with back-off capped at 5 s (recovery within seconds)", () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxBackoffMs: 5_000, maxElapsedMs: 300_000 });
    const delays = Array.from({ length: DEFAULT_RETRY_POLICY.maxRetries }, (_, a) =>
      backoffMs(DEFAULT_RETRY_POLICY, a, noJitter),
    );
    expect(delays.slice(0, 7)).toEqual([100, 200, 400, 800, 1600, 3200, 5000]);
    expect(Math.max(...delays)).toBe(5_000);
    // Enough retries that the time budget, not the count, ends a long outage.
    expect(delays.reduce((x, y) => x + y)).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.maxElapsedMs ?? 0);
  });

  test("jitter is added only above the threshold", () => {
    const maxJitter = () => 1;
    expect(backoffMs(DEFAULT_RETRY_POLICY, 1, maxJitter)).toBe(200);
    expect(backoffMs(DEFAULT_RETRY_POLICY, 6, maxJitter)).toBe(5000 + 500);
  });

  test("retries connection errors and disconnected cursors only", () => {
    expect(isRetryable(new ConnectionError("UNAVAILABLE"))).toBe(true);
    expect(isRetryable(new SparkError("x", { grpcCode: "INTERNAL", errorClass: "INVALID_CURSOR.DISCONNECTED" }))).toBe(
      true,
    );
    expect(isRetryable(new SparkError("x", { grpcCode: "INTERNAL", errorClass: "TABLE_OR_VIEW_NOT_FOUND" }))).toBe(
      false,
    );
    expect(isRetryable(new CancelledError())).toBe(false);
    expect(isRetryable(new Error("plain"))).toBe(false);
  });
});

describe("one retry budget per call", () => {
  test("withRetry stops after maxRetries, reports each retry, and says the retries are spent", async () => {
    const seen: number[] = [];
    let calls = 0;
    const budget = new RetryBudget(
      { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 3 },
      { onRetry: (_op, attempt) => seen.push(attempt) },
    );
    const error = await withRetry(
      "Op",
      async () => {
        calls++;
        throw new ConnectionError("down");
      },
      budget,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^down \(gave up after 3 retries in \d+ s\)$/);
    expect(calls).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
  });

  test("nested layers spend one budget: an outer retry of a call that retries inside adds no tries", async () => {
    const budget = new RetryBudget({ ...NO_BACKOFF_RETRY_POLICY, maxRetries: 4 });
    let innerCalls = 0;
    const inner = () =>
      withRetry(
        "Inner",
        async () => {
          innerCalls++;
          throw new ConnectionError("down");
        },
        budget,
      );
    // The outer layer retries whatever the inner one gave up on (as a table operation does after a lost session).
    await withRetry("Outer", inner, budget, () => true).catch(() => undefined);
    expect(innerCalls).toBe(5);
    expect(budget.retries).toBe(4);
  });

  test("progress (a stream delivering a response) starts the count and the clock again", async () => {
    const budget = new RetryBudget({ ...NO_BACKOFF_RETRY_POLICY, maxRetries: 2 });
    await budget.beforeRetry("Op", new ConnectionError("x"));
    await budget.beforeRetry("Op", new ConnectionError("x"));
    await expect(budget.beforeRetry("Op", new ConnectionError("x"))).rejects.toBeInstanceOf(ConnectionError);
    budget.progressed();
    await expect(budget.beforeRetry("Op", new ConnectionError("x"))).resolves.toBeUndefined();
    expect(budget.retries).toBe(3);
  });

  test("no retry starts after maxElapsedMs, however many retries are left", async () => {
    let now = 0;
    const budget = new RetryBudget(
      { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 100, maxElapsedMs: 1_000 },
      { now: () => now },
    );
    await budget.beforeRetry("Op", new ConnectionError("x"));
    now = 1_001;
    const error = new ConnectionError("still down");
    await expect(budget.beforeRetry("Op", error)).rejects.toThrow(/still down \(gave up after 1 retries/);
  });

  test("a retry the caller aborts ends at once with CancelledError, a timed-out signal with TimeoutError", async () => {
    const controller = new AbortController();
    controller.abort();
    const budget = new RetryBudget(NO_BACKOFF_RETRY_POLICY, { signal: controller.signal });
    await expect(budget.beforeRetry("Op", new ConnectionError("x"))).rejects.toBeInstanceOf(CancelledError);
    const timedOut = new RetryBudget(NO_BACKOFF_RETRY_POLICY, { signal: AbortSignal.timeout(1) });
    await sleep(20);
    const error = await timedOut.beforeRetry("Op", new ConnectionError("x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as TimeoutError).code).toBe("timeout");
  });

  test("withRetry returns once a try succeeds, and does not retry other errors", async () => {
    let calls = 0;
    await expect(
      withRetry(
        "Op",
        async () => {
          if (++calls < 3) throw new ConnectionError("down");
          return "ok";
        },
        new RetryBudget(NO_BACKOFF_RETRY_POLICY),
      ),
    ).resolves.toBe("ok");
    let other = 0;
    await expect(
      withRetry(
        "Op",
        async () => {
          other++;
          throw new SparkError("bad", { errorClass: "PARSE_SYNTAX_ERROR" });
        },
        new RetryBudget(NO_BACKOFF_RETRY_POLICY),
      ),
    ).rejects.toBeInstanceOf(SparkError);
    expect(other).toBe(1);
  });

  test("a back-off sleep ends at once when the signal aborts", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
