/** What every RPC of one session carries: the transport, session and user ids, client type and retry policy. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { UserContextSchema } from "../gen/spark/connect/base_pb.js";
import { RetryBudget, type RetryPolicy } from "./retry.js";
import type { CallConfig, Timeouts, Transport } from "./transport.js";

/** Options of one RPC: its signal and deadlines, and the retry budget of the call it belongs to. */
export interface RpcOptions extends CallConfig {
  /** @internal */
  budget?: RetryBudget | undefined;
}

export interface ClientContext {
  readonly transport: Transport;
  /** Changes only through `SparkSession.reconnect()`, after the server lost the session. */
  sessionId: string;
  readonly userContext: MessageInitShape<typeof UserContextSchema>;
  readonly clientType: string;
  readonly retryPolicy: RetryPolicy;
  readonly timeouts: Readonly<Timeouts>;
  /** Observability hook: retries, reattaches, restarts (never carries credentials). */
  readonly onEvent: ((event: ClientEvent) => void) | undefined;
  /** Set from the first response; sent back so the server can tell a restarted session from ours. */
  serverSideSessionId: string | undefined;
}

/** What the client reports through `SessionOptions.onEvent`. */
export type ClientEvent =
  | { type: "retry"; operation: string; attempt: number; delayMs: number; error: unknown }
  | { type: "reattach"; operationId: string; lastResponseId: string | undefined }
  | { type: "restart"; operationId: string }
  | { type: "interrupt"; operationId: string }
  | { type: "reconnect"; previousSessionId: string; sessionId: string }
  /** A session given up on purpose (`SparkClient.rotate`), e.g. to free what the server kept for it. */
  | { type: "rotate"; previousSessionId: string; sessionId: string; reason: string };

export function emit(context: ClientContext, event: ClientEvent): void {
  try {
    context.onEvent?.(event);
  } catch {
    // A listener's failure must not break the call it observes.
  }
}

/** A fresh retry budget for one call of this session, reporting each retry through `onEvent`. */
export function newRetryBudget(context: ClientContext, signal: AbortSignal | undefined): RetryBudget {
  return new RetryBudget(context.retryPolicy, {
    signal,
    onRetry: (operation, attempt, delayMs, error) =>
      emit(context, { type: "retry", operation, attempt, delayMs, error }),
  });
}

/** The fields every Spark Connect request starts with. */
export function requestHeader(context: ClientContext) {
  return {
    sessionId: context.sessionId,
    userContext: context.userContext,
    clientType: context.clientType,
    ...(context.serverSideSessionId === undefined
      ? {}
      : { clientObservedServerSideSessionId: context.serverSideSessionId }),
  };
}
