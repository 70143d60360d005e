/** What every RPC of one session carries: the transport, session and user ids, client type and retry policy. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { UserContextSchema } from "../gen/spark/connect/base_pb.js";
import type { RetryPolicy } from "./retry.js";
import type { Transport } from "./transport.js";

export interface ClientContext {
  readonly transport: Transport;
  /** Changes only through `SparkSession.reconnect()`, after the server lost the session. */
  sessionId: string;
  readonly userContext: MessageInitShape<typeof UserContextSchema>;
  readonly clientType: string;
  readonly retryPolicy: RetryPolicy;
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
  | { type: "reconnect"; previousSessionId: string; sessionId: string };

export function emit(context: ClientContext, event: ClientEvent): void {
  try {
    context.onEvent?.(event);
  } catch {
    // A listener's failure must not break the call it observes.
  }
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
