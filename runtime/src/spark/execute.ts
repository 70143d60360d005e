/**
 * ExecutePlan with reattachable execution (Spark 3.5+), the way pyspark's `ExecutePlanResponseReattachableIterator`
 * does it, and as apache/spark-connect-go's reattach tests specify:
 * - the client chooses the operation id, so it can reattach even before the first response arrives;
 * - a stream that ends without `ResultComplete` is continued with `ReattachExecute` from the last response id (the
 *   server ends streams after `senderMaxStreamDuration`/`senderMaxStreamSize` even mid-query);
 * - transient failures are retried with back-off, reattaching where the last response left off; the execution is
 *   restarted only when the server lost it and nothing has been consumed yet;
 * - responses already consumed are released (`ReleaseExecute` until) as the stream goes, all of them at the end;
 * - aborting the signal interrupts the operation on the server.
 * The generator pulls from the gRPC stream only when its consumer pulls, so back-pressure reaches the server.
 */
import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { CancelledError, SparkError } from "../errors.js";
import {
  type ExecutePlanResponse,
  InterruptRequest_InterruptType,
  type PlanSchema,
  SparkConnectService,
} from "../gen/spark/connect/base_pb.js";
import { type ClientContext, emit, requestHeader } from "./client-context.js";
import { backoffMs, isRetryable, sleep } from "./retry.js";
import { throwIfAborted } from "./transport.js";

export interface ExecuteOptions {
  signal?: AbortSignal | undefined;
  /** Operation tags, usable to interrupt a group of operations. */
  tags?: readonly string[] | undefined;
  /** Reattachable execution; on by default. */
  reattachable?: boolean | undefined;
}

const rpc = SparkConnectService.method;

function hasErrorClass(error: unknown, errorClass: string): boolean {
  return error instanceof SparkError && (error.errorClass === errorClass || error.message.includes(errorClass));
}

export async function* executePlan(
  context: ClientContext,
  plan: MessageInitShape<typeof PlanSchema>,
  options: ExecuteOptions = {},
): AsyncGenerator<ExecutePlanResponse, void, undefined> {
  const { signal } = options;
  const reattachable = options.reattachable ?? true;
  const operationId = randomUUID();
  const header = () => requestHeader(context);
  let lastResponseId: string | undefined;
  let consumedAny = false;
  let complete = false;
  let attempt = 0;
  let needsExecute = true;
  const releaser = new Releaser(context, operationId);

  const onAbort = () => {
    emit(context, { type: "interrupt", operationId });
    context.transport
      .unary(rpc.interrupt, {
        ...header(),
        interruptType: InterruptRequest_InterruptType.OPERATION_ID,
        interrupt: { case: "operationId", value: operationId },
      })
      .catch(() => {});
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  try {
    while (!complete) {
      throwIfAborted(signal);
      try {
        if (!needsExecute) emit(context, { type: "reattach", operationId, lastResponseId });
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
              { signal },
            )
          : context.transport.serverStream(
              rpc.reattachExecute,
              { ...header(), operationId, ...(lastResponseId === undefined ? {} : { lastResponseId }) },
              { signal },
            );
        for await (const response of stream) {
          // The operation exists on the server from here on: further tries reattach.
          needsExecute = false;
          attempt = 0;
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
        if (signal?.aborted) throw new CancelledError("the operation was aborted", { cause: signal.reason });
        if (needsExecute && hasErrorClass(error, "INVALID_HANDLE.OPERATION_ALREADY_EXISTS")) {
          // An earlier ExecutePlan got through before its stream broke.
          needsExecute = false;
          continue;
        }
        if (!needsExecute && hasErrorClass(error, "INVALID_HANDLE.OPERATION_NOT_FOUND") && !consumedAny) {
          emit(context, { type: "restart", operationId });
          needsExecute = true;
          continue;
        }
        if (!reattachable && consumedAny) throw error;
        if (!isRetryable(error) || attempt >= context.retryPolicy.maxRetries) throw error;
        const delayMs = backoffMs(context.retryPolicy, attempt);
        emit(context, { type: "retry", operation: "ExecutePlan", attempt: ++attempt, delayMs, error });
        await sleep(delayMs, signal);
        if (!reattachable) needsExecute = true;
      }
    }
  } finally {
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
