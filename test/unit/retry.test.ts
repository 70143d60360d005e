import { describe, expect, test } from "vitest";
import {
  CancelledError,
  ConnectionError,
  DEFAULT_RETRY_POLICY,
  NO_BACKOFF_RETRY_POLICY,
  SparkError,
} from "../../runtime/src/index.js";
import { backoffMs, isRetryable, sleep, withRetry } from "../../runtime/src/spark/retry.js";

describe("retry policy", () => {
  test("is at least as patient as pyspark's: 15 retries, 50 ms start, ×4, 60 s cap", () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({
      maxRetries: 15,
      initialBackoffMs: 50,
      multiplier: 4,
      maxBackoffMs: 60_000,
    });
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffMs(DEFAULT_RETRY_POLICY, a, noJitter))).toEqual([
      50, 200, 800, 3200, 12_800, 51_200, 60_000,
    ]);
    const total = Array.from({ length: 15 }, (_, a) => backoffMs(DEFAULT_RETRY_POLICY, a, noJitter)).reduce(
      (x, y) => x + y,
    );
    expect(total).toBeGreaterThan(10 * 60_000);
  });

  test("jitter is added only above the threshold", () => {
    const maxJitter = () => 1;
    expect(backoffMs(DEFAULT_RETRY_POLICY, 1, maxJitter)).toBe(200);
    expect(backoffMs(DEFAULT_RETRY_POLICY, 3, maxJitter)).toBe(3200 + 500);
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

  test("withRetry stops after maxRetries and reports each retry", async () => {
    const seen: number[] = [];
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new ConnectionError("down");
      },
      { policy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 3 }, onRetry: (attempt) => seen.push(attempt) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(calls).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
  });

  test("withRetry returns once a try succeeds, and does not retry other errors", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          if (++calls < 3) throw new ConnectionError("down");
          return "ok";
        },
        { policy: NO_BACKOFF_RETRY_POLICY },
      ),
    ).resolves.toBe("ok");
    let other = 0;
    await expect(
      withRetry(
        async () => {
          other++;
          throw new SparkError("bad", { errorClass: "PARSE_SYNTAX_ERROR" });
        },
        { policy: NO_BACKOFF_RETRY_POLICY },
      ),
    ).rejects.toBeInstanceOf(SparkError);
    expect(other).toBe(1);
  });

  test("a back-off sleep ends at once when the signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
