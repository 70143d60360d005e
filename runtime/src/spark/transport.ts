/**
 * What the client layer needs of a connection to a Spark Connect server: typed unary, server-streaming and
 * client-streaming calls. `GrpcTransport` (grpc-transport.ts) is the one over the network; `MemoryTransport`
 * (memory-transport.ts) answers from scripted responses, so reattach, disconnects and lost sessions can be tested
 * without a server. Implementations raise the runtime's typed errors (`ConnectionError` for a transient failure,
 * `SparkError` for what the server reported, `CancelledError` when the call's signal aborted).
 */
import type { Message, MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { abortError } from "../errors.js";
import type { Secret } from "../secret.js";

export interface RpcMethod<I extends Message, O extends Message> {
  readonly name: string;
  readonly parent: { readonly typeName: string };
  readonly input: GenMessage<I>;
  readonly output: GenMessage<O>;
}

export interface CallConfig {
  signal?: AbortSignal | undefined;
  /** Deadline of this try of a unary or client-streaming call, in ms (default: the session's `callMs`). */
  timeoutMs?: number | undefined;
  /** Streams: the longest silence between two messages, in ms (default: the session's `idleMs`). */
  idleTimeoutMs?: number | undefined;
}

/** How long calls may take. Every call has a deadline; no call waits forever for a server that does not answer. */
export interface Timeouts {
  /** `SparkSession.connect()` as a whole, retries included. */
  connectMs: number;
  /** Each try of a unary call (AnalyzePlan, Config, ArtifactStatus, …). */
  callMs: number;
  /**
   * Streams (ExecutePlan, ReattachExecute): the longest silence allowed between two messages — not a limit on the
   * stream's length. A healthy server sends progress every 2 s while jobs run and ends each stream after
   * `senderMaxStreamDuration` (2 min) for the client to reattach, so 3 min of silence means it is gone.
   */
  idleMs: number;
  /** Uploads (AddArtifacts): `callMs` plus the time to send the bytes at this slowest acceptable rate. */
  uploadBytesPerSecond: number;
}

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = {
  connectMs: 30_000,
  callMs: 120_000,
  idleMs: 180_000,
  uploadBytesPerSecond: 1024 * 1024,
};

export interface Transport {
  unary<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config?: CallConfig,
  ): Promise<O>;
  /** Responses as the server sends them, pulled on demand (a slow consumer pauses the server). */
  serverStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config?: CallConfig,
  ): AsyncGenerator<O, void, undefined>;
  clientStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    requests: Iterable<MessageInitShape<GenMessage<I>>> | AsyncIterable<MessageInitShape<GenMessage<I>>>,
    config?: CallConfig,
  ): Promise<O>;
  /** Every credential sent so far, for scrubbing texts the server sends back. */
  readonly secrets: readonly Secret[];
  close(): void;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
