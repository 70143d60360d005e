/**
 * The only module that touches the network: a `Transport` over a gRPC channel (grpc-js) to one Spark Connect
 * endpoint, with typed unary, server-streaming and client-streaming calls over protobuf-es messages. Credentials and
 * connection-string headers go on every call; every call has a deadline (streams an idle timeout); failures come
 * out as the runtime's typed errors.
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
} from "@grpc/grpc-js";
import { abortError, ConnectionError, InvalidArgumentError, type LakehouseError } from "../errors.js";
import type { Secret } from "../secret.js";
import { errorFromThrown } from "./grpc-errors.js";
import type { CachedToken } from "./token-provider.js";
import { type CallConfig, type RpcMethod, type Timeouts, type Transport, throwIfAborted } from "./transport.js";

const FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;

/** The server's own inbound limit (`spark.connect.grpc.maxInboundMessageSize`, 128 MiB), which pyspark also uses. */
export const DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

export interface GrpcTransportOptions {
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
  timeouts: Readonly<Timeouts>;
}

export class GrpcTransport implements Transport {
  readonly #client: Client;
  readonly #options: GrpcTransportOptions;

  constructor(options: GrpcTransportOptions) {
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
      // grpc-js waits up to 120 s between reconnection attempts by default, and calls fail at once meanwhile: a
      // client whose server restarted in 30 s could stay offline for another minute and a half. 5 s, like the cap
      // of the retry policy, keeps recovery within seconds of the server being back.
      "grpc.initial_reconnect_backoff_ms": 250,
      "grpc.max_reconnect_backoff_ms": 5_000,
      ...options.channelOptions,
    });
  }

  close(): void {
    this.#client.close();
  }

  /** Every token this transport has sent, for scrubbing texts the server sends back. */
  get secrets(): readonly Secret[] {
    return this.#options.token?.secrets ?? [];
  }

  async unary<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config: CallConfig = {},
  ): Promise<O> {
    const metadata = await this.#metadata(config.signal);
    throwIfAborted(config.signal);
    return new Promise<O>((resolve, reject) => {
      const call = this.#client.makeUnaryRequest(
        path(method),
        serializer(method.input),
        deserializer(method.output),
        create(method.input, request),
        metadata,
        this.#deadline(config),
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
   * pulls, so a slow consumer pauses the server through flow control. The idle timeout counts only while this side
   * waits for the server (not while the consumer is busy with a message), and ends the stream with a retryable
   * `ConnectionError`.
   */
  async *serverStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config: CallConfig = {},
  ): AsyncGenerator<O, void, undefined> {
    const metadata = await this.#metadata(config.signal);
    throwIfAborted(config.signal);
    const call = this.#client.makeServerStreamRequest(
      path(method),
      serializer(method.input),
      deserializer(method.output),
      create(method.input, request),
      metadata,
      {},
    );
    const onAbort = () => call.cancel();
    config.signal?.addEventListener("abort", onAbort, { once: true });
    const idleMs = config.idleTimeoutMs ?? this.#options.timeouts.idleMs;
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const waitForServer = () => {
      timer = setTimeout(() => {
        idle = true;
        call.cancel();
      }, idleMs);
    };
    try {
      const messages = call[Symbol.asyncIterator]();
      for (;;) {
        waitForServer();
        const next = await messages.next();
        clearTimeout(timer);
        if (next.done) break;
        yield next.value as O;
      }
    } catch (error) {
      if (idle && !config.signal?.aborted) {
        throw new ConnectionError(`${method.name}: no message from the server for ${seconds(idleMs)}`);
      }
      throw this.#error(error, config.signal);
    } finally {
      clearTimeout(timer);
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
    const metadata = await this.#metadata(config.signal);
    throwIfAborted(config.signal);
    let call: ClientWritableStream<I> | undefined;
    const response = new Promise<O>((resolve, reject) => {
      call = this.#client.makeClientStreamRequest(
        path(method),
        serializer(method.input),
        deserializer(method.output),
        metadata,
        this.#deadline(config),
        (error, value) => {
          if (error) reject(this.#error(error, config.signal));
          else if (value) resolve(value as O);
        },
      );
    });
    const stream = call;
    if (!stream) throw new ConnectionError(`${method.name}: grpc-js did not start the call`);
    const onAbort = () => stream.cancel();
    config.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const request of requests) {
        throwIfAborted(config.signal);
        // Honour the stream's own back-pressure while uploading large artifacts.
        if (!stream.write(create(method.input, request))) {
          // A call that ends (deadline, cancel) while waiting emits no drain: its close must end the wait too.
          await new Promise<void>((resolve) => {
            const done = () => {
              stream.off("drain", done);
              stream.off("close", done);
              resolve();
            };
            stream.once("drain", done);
            stream.once("close", done);
          });
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

  async #metadata(signal: AbortSignal | undefined): Promise<Metadata> {
    const metadata = new Metadata();
    // Header values and tokens are checked where they are parsed or issued; should grpc-js still refuse one, its
    // message would quote the value in full, so it is replaced by one that names what was refused only.
    const set = (key: string, value: string, what: string) => {
      try {
        metadata.set(key, value);
      } catch {
        throw new InvalidArgumentError(`${what} cannot be sent as gRPC metadata`);
      }
    };
    for (const [key, value] of Object.entries(this.#options.headers)) set(key, value, "a header of the connection");
    if (this.#options.token) {
      set("authorization", `Bearer ${(await this.#options.token.get(signal)).reveal()}`, "the token");
    }
    return metadata;
  }

  #deadline(config: CallConfig): CallOptions {
    return { deadline: Date.now() + (config.timeoutMs ?? this.#options.timeouts.callMs) };
  }

  #error(error: unknown, signal: AbortSignal | undefined): LakehouseError {
    if (signal?.aborted) return abortError(signal);
    // grpc-js's errors, scrubbed of every token this session has used; anything else it throws, a ProtocolError.
    return errorFromThrown(error, this.#options.token?.secrets ?? []);
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
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
