/**
 * The only module that touches the network: a gRPC channel (grpc-js) to one Spark Connect endpoint, with typed
 * unary, server-streaming and client-streaming calls over protobuf-es messages. Credentials and connection-string
 * headers go on every call; failures come out as the runtime's typed errors.
 */

import type { Message } from "@bufbuild/protobuf";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  type ClientWritableStream,
  credentials,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { CancelledError, isLakehouseError, type LakehouseError } from "../errors.js";
import { errorFromGrpc, isServiceError } from "./grpc-errors.js";
import type { CachedToken } from "./token-provider.js";

const FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;

/** The server's own inbound limit (`spark.connect.grpc.maxInboundMessageSize`, 128 MiB), which pyspark also uses. */
export const DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

export interface RpcMethod<I extends Message, O extends Message> {
  readonly name: string;
  readonly parent: { readonly typeName: string };
  readonly input: GenMessage<I>;
  readonly output: GenMessage<O>;
}

export interface TransportOptions {
  host: string;
  port: number;
  useSsl: boolean;
  /** PEM root certificates; system roots when undefined. */
  caCertificate?: Uint8Array | undefined;
  headers: Readonly<Record<string, string>>;
  token: CachedToken | undefined;
  userAgent: string;
  maxMessageSize?: number | undefined;
  /** Extra grpc-js channel options (tests use them to tune keep-alive or reconnect back-off). */
  channelOptions?: ChannelOptions | undefined;
}

export interface CallConfig {
  signal?: AbortSignal | undefined;
  /** Per-call deadline in milliseconds. */
  timeoutMs?: number | undefined;
}

export class Transport {
  readonly #client: Client;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
    const maxSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    const channelCredentials: ChannelCredentials = options.useSsl
      ? credentials.createSsl(options.caCertificate ? Buffer.from(options.caCertificate) : null)
      : credentials.createInsecure();
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    this.#client = new Client(`${host}:${options.port}`, channelCredentials, {
      "grpc.max_receive_message_length": maxSize,
      "grpc.max_send_message_length": maxSize,
      // Netty servers reject pings more frequent than every 5 minutes (`permitKeepAliveTime`), so stay above it.
      "grpc.keepalive_time_ms": 360_000,
      "grpc.keepalive_timeout_ms": 20_000,
      "grpc.primary_user_agent": options.userAgent,
      // HTTP/2 flow-control window of each stream and of the connection. grpc-js keeps HTTP/2's 64 KiB default,
      // so every 4 MiB Arrow batch of a result waited on dozens of WINDOW_UPDATE round trips (whole reads ~15 %
      // slower); 8 MiB still bounds what a paused stream buffers.
      "grpc-node.flow_control_window": FLOW_CONTROL_WINDOW,
      ...options.channelOptions,
    });
  }

  close(): void {
    this.#client.close();
  }

  async unary<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config: CallConfig = {},
  ): Promise<O> {
    const metadata = await this.#metadata();
    throwIfAborted(config.signal);
    return new Promise<O>((resolve, reject) => {
      const call = this.#client.makeUnaryRequest(
        path(method),
        serializer(method.input),
        deserializer(method.output),
        create(method.input, request),
        metadata,
        callOptions(config),
        (error, response) => {
          config.signal?.removeEventListener("abort", onAbort);
          if (error) reject(this.#error(error, config.signal));
          else if (response) resolve(response);
        },
      );
      const onAbort = () => call.cancel();
      config.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Server streaming with back-pressure: grpc-js asks the HTTP/2 stream for the next message only when the consumer
   * pulls, so a slow consumer pauses the server through flow control.
   */
  async *serverStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config: CallConfig = {},
  ): AsyncGenerator<O, void, undefined> {
    const metadata = await this.#metadata();
    throwIfAborted(config.signal);
    const call = this.#client.makeServerStreamRequest(
      path(method),
      serializer(method.input),
      deserializer(method.output),
      create(method.input, request),
      metadata,
      callOptions(config),
    );
    const onAbort = () => call.cancel();
    config.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const message of call) yield message as O;
    } catch (error) {
      throw this.#error(error, config.signal);
    } finally {
      config.signal?.removeEventListener("abort", onAbort);
      // A consumer that stops early must not leave the HTTP/2 stream open.
      call.cancel();
    }
  }

  async clientStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    requests: Iterable<MessageInitShape<GenMessage<I>>> | AsyncIterable<MessageInitShape<GenMessage<I>>>,
    config: CallConfig = {},
  ): Promise<O> {
    const metadata = await this.#metadata();
    throwIfAborted(config.signal);
    let call: ClientWritableStream<I> | undefined;
    const response = new Promise<O>((resolve, reject) => {
      call = this.#client.makeClientStreamRequest(
        path(method),
        serializer(method.input),
        deserializer(method.output),
        metadata,
        callOptions(config),
        (error, value) => {
          if (error) reject(this.#error(error, config.signal));
          else if (value) resolve(value as O);
        },
      );
    });
    const stream = call;
    if (!stream) throw new Error("grpc-js did not start the call");
    const onAbort = () => stream.cancel();
    config.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const request of requests) {
        throwIfAborted(config.signal);
        // Honour the stream's own back-pressure while uploading large artifacts.
        if (!stream.write(create(method.input, request))) {
          await new Promise<void>((resolve) => stream.once("drain", resolve));
        }
      }
      stream.end();
      return await response;
    } catch (error) {
      stream.cancel();
      // The response promise rejects too once cancelled; it is not awaited here.
      response.catch(() => {});
      throw this.#error(error, config.signal);
    } finally {
      config.signal?.removeEventListener("abort", onAbort);
    }
  }

  async #metadata(): Promise<Metadata> {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(this.#options.headers)) metadata.set(key, value);
    if (this.#options.token) metadata.set("authorization", `Bearer ${(await this.#options.token.get()).reveal()}`);
    return metadata;
  }

  #error(error: unknown, signal: AbortSignal | undefined): LakehouseError | unknown {
    if (signal?.aborted) return new CancelledError("the operation was aborted", { cause: signal.reason });
    if (isLakehouseError(error)) return error;
    if (isServiceError(error)) return errorFromGrpc(error as ServiceError, [this.#options.token?.current]);
    return error;
  }
}

function path(method: RpcMethod<Message, Message>): string {
  return `/${method.parent.typeName}/${method.name}`;
}

function serializer<I extends Message>(schema: GenMessage<I>) {
  return (value: I) => Buffer.from(toBinary(schema, value));
}

function deserializer<O extends Message>(schema: GenMessage<O>) {
  return (bytes: Buffer) => fromBinary(schema, bytes);
}

function callOptions(config: CallConfig): CallOptions {
  return config.timeoutMs === undefined ? {} : { deadline: Date.now() + config.timeoutMs };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError("the operation was aborted", { cause: signal.reason });
}
