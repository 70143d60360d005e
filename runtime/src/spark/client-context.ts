/** What every RPC of one session carries: the transport, session and user ids, client type and retry policy. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { UserContextSchema } from "../gen/spark/connect/base_pb.js";
import type { RetryPolicy } from "./retry.js";
import type { Transport } from "./transport.js";

export interface ClientContext {
  readonly transport: Transport;
  readonly sessionId: string;
  readonly userContext: MessageInitShape<typeof UserContextSchema>;
  readonly clientType: string;
  readonly retryPolicy: RetryPolicy;
  /** Set from the first response; sent back so the server can tell a restarted session from ours. */
  serverSideSessionId: string | undefined;
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
