/**
 * ExecutePlan with reattachable execution (Spark 3.5+), the way pyspark's `ExecutePlanResponseReattachableIterator`
 * does it, and as apache/spark-connect-go's reattach tests specify:
 * - the client chooses the operation id, so it can reattach even before the first response arrives;
 * - a stream that ends without `ResultComplete` is continued with `ReattachExecute` from the last response id (the
 *   server ends streams after `senderMaxStreamDuration`/`senderMaxStreamSize` even mid-query);
 * - transient failures are retried with back-off, reattaching where the last response left off; the execution is
 *   restarted only when the server lost it and nothing has been consumed yet;
 * - responses already consumed are released (`ReleaseExecute` until) as the stream goes, all of them at the end;
 * - aborting the signal interrupts the operation on the server (and, for writes, follows it until it has ended);
 * - every retry is spent from the call's one retry budget (see retry.ts).
 * The generator pulls from the gRPC stream only when its consumer pulls, so back-pressure reaches the server.
 */
import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { abortError, isSparkError } from "../errors.js";
import {
  type ExecutePlanResponse,
  InterruptRequest_InterruptType,
  type PlanSchema,
  SparkConnectService,
} from "../gen/spark/connect/base_pb.js";
import { type ClientContext, emit, newRetryBudget, requestHeader } from "./client-context.js";
import { isRetryable, type RetryBudget } from "./retry.js";

export interface ExecuteOptions {
  signal?: AbortSignal | undefined;
  /** Operation tags, usable to interrupt a group of operations. */
  tags?: readonly string[] | undefined;
  /** Reattachable execution; on by default. */
  reattachable?: boolean | undefined;
  /** Streams: the longest silence between two messages, in ms (default: the session's `idleMs`). */
  idleTimeoutMs?: number | undefined;
  /** @internal The retry budget of the call this execution belongs to (default: a fresh one). */
  budget?: RetryBudget | undefined;
  /** @internal The operation id (default: a fresh UUID). */
  operationId?: string | undefined;
  /**
   * @internal What an abort does. "cancel" (default): interrupt the operation on the server and stop at once.
   * "settle": interrupt it and keep following it (at most `settleMs`, default 30 s) until the server says how it
   * ended, so that a write's outcome is known when the `CancelledError` (then `settled: true`) is thrown.
   */
  onAbort?: "cancel" | "settle" | undefined;
  /** @internal */
  settleMs?: number | undefined;
}

const rpc = SparkConnectService.method;
const DEFAULT_SETTLE_MS = 30_000;

function hasErrorClass(error: unknown, errorClass: string): boolean {
  return isSparkError(error) && (error.errorClass === errorClass || error.message.includes(errorClass));
}

export async function* executePlan(
  context: ClientContext,
  plan: MessageInitShape<typeof PlanSchema>,
  options: ExecuteOptions = {},
): AsyncGenerator<ExecutePlanResponse, void, undefined> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const reattachable = options.reattachable ?? true;
  const operationId = options.operationId ?? randomUUID();
  const budget = options.budget ?? newRetryBudget(context, signal);
  const header = () => requestHeader(context);
  let lastResponseId: string | undefined;
  let consumedAny = false;
  let complete = false;
  let needsExecute = true;
  const releaser = new Releaser(context, operationId);
  // The signal the RPCs see: the caller's abort at once, or — when settling — only once the settle time is over.
  const calls = new AbortController();
  let settling: RetryBudget | undefined;
  let settleTimer: NodeJS.Timeout | undefined;

  const onAbort = () => {
    emit(context, { type: "interrupt", operationId });
    context.transport
      .unary(rpc.interrupt, {
        ...header(),
        interruptType: InterruptRequest_InterruptType.OPERATION_ID,
        interrupt: { case: "operationId", value: operationId },
      })
      .catch(() => {});
    if (options.onAbort === "settle") {
      settling = newRetryBudget(context, calls.signal);
      settleTimer = setTimeout(() => calls.abort(signal?.reason), options.settleMs ?? DEFAULT_SETTLE_MS);
    } else {
      calls.abort(signal?.reason);
    }
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const cancelled = (settled: boolean) => abortError(signal, settled);

  try {
    while (!complete) {
      if (calls.signal.aborted) throw cancelled(false);
      try {
        if (!needsExecute) emit(context, { type: "reattach", operationId, lastResponseId });
        const config = { signal: calls.signal, idleTimeoutMs: options.idleTimeoutMs };
        const stream = needsExecute
          ? context.transport.serverStream(
              rpc.executePlan,
              {
                ...header(),
                operationId,
                plan,
                tags: [...(options.tags ?? [])],
                requestOptions: [{ requestOption: { case: "reattachOptions", value: { reattachable } } }],
              },
              config,
            )
          : context.transport.serverStream(
              rpc.reattachExecute,
              { ...header(), operationId, ...(lastResponseId === undefined ? {} : { lastResponseId }) },
              config,
            );
        for await (const response of stream) {
          // The operation exists on the server from here on: further tries reattach.
          needsExecute = false;
          (settling ?? budget).progressed();
          context.serverSideSessionId ??= response.serverSideSessionId || undefined;
          lastResponseId = response.responseId;
          if (response.responseType.case === "resultComplete") complete = true;
          consumedAny = true;
          yield response;
          if (reattachable && !complete) releaser.releaseUntil(response.responseId);
        }
        if (!reattachable) {
          complete = true;
        } else if (!complete) {
          // The server rotated the stream (or it ended early): continue where it stopped.
          needsExecute = false;
        }
      } catch (error) {
        if (calls.signal.aborted) throw cancelled(false);
        if (needsExecute && hasErrorClass(error, "INVALID_HANDLE.OPERATION_ALREADY_EXISTS")) {
          // An earlier ExecutePlan got through before its stream broke.
          needsExecute = false;
          continue;
        }
        const notFound = !needsExecute && hasErrorClass(error, "INVALID_HANDLE.OPERATION_NOT_FOUND");
        if (settling) {
          // Aborted: the operation has ended on the server (with this error, or long enough ago to be gone), unless
          // the error is a transient one, after which it is followed by reattaching — never by executing it again.
          if (notFound || !isRetryable(error)) throw cancelled(true);
          needsExecute = false;
          await settling.beforeRetry("ReattachExecute", error);
          continue;
        }
        if (notFound && !consumedAny) {
          emit(context, { type: "restart", operationId });
          needsExecute = true;
          continue;
        }
        if (!reattachable && consumedAny) throw error;
        if (!isRetryable(error)) throw error;
        await budget.beforeRetry("ExecutePlan", error);
        if (!reattachable) needsExecute = true;
      }
    }
    // Aborted, then followed until it completed: the operation did everything it was asked to.
    if (signal?.aborted) throw cancelled(true);
  } finally {
    clearTimeout(settleTimer);
    signal?.removeEventListener("abort", onAbort);
    if (reattachable && !needsExecute) releaser.releaseAll();
  }
}

/**
 * Sends `ReleaseExecute` in the background so the server can free buffered responses. At most one
 * `release_until` is in flight; later ones overtake it. Failures are ignored: the server frees everything after
 * `detachedTimeout` anyway.
 */
class Releaser {
  #inFlight = false;
  #pendingUntil: string | undefined;

  constructor(
    private readonly context: ClientContext,
    private readonly operationId: string,
  ) {}

  releaseUntil(responseId: string): void {
    this.#pendingUntil = responseId;
    if (!this.#inFlight) this.#drain();
  }

  releaseAll(): void {
    this.#pendingUntil = undefined;
    this.context.transport
      .unary(rpc.releaseExecute, {
        ...requestHeader(this.context),
        operationId: this.operationId,
        release: { case: "releaseAll", value: {} },
      })
      .catch(() => {});
  }

  #drain(): void {
    const until = this.#pendingUntil;
    if (until === undefined) return;
    this.#pendingUntil = undefined;
    this.#inFlight = true;
    this.context.transport
      .unary(rpc.releaseExecute, {
        ...requestHeader(this.context),
        operationId: this.operationId,
        release: { case: "releaseUntil", value: { responseId: until } },
      })
      .catch(() => {})
      .finally(() => {
        this.#inFlight = false;
        this.#drain();
      });
  }
}
