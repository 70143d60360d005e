/**
 * A `Transport` that answers from scripts instead of a server, as connect-es's router transport does for its
 * tests: each RPC by name gets a handler that returns the response (unary), the responses in order (streams) —
 * among them errors, thrown at their place in the stream, and `END`, which ends the stream early — or throws.
 * Every request is recorded, so a test can check what the client asked for: the `lastResponseId` of a reattach, the
 * session id after a lost session, the releases. It exists for the faults a real server cannot produce on demand (a
 * stream broken after its third response); each behaviour it tests also has one test against the real server.
 */
import { create, type Message, type MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { abortError } from "../errors.js";
import type { Secret } from "../secret.js";
import { type CallConfig, type RpcMethod, type Transport, throwIfAborted } from "./transport.js";

/** In a scripted stream: end the stream here, without an error and without the rest. */
export const END = Symbol("end of stream");

/** What a handler gets: the request as a message, and how many calls of this method came before (0 first). */
export interface ScriptedCall {
  method: string;
  request: Message;
  attempt: number;
}

/** A response as the `create()` of its message type takes it (the handler knows which method it answers). */
export type ScriptedResponse = object;
export type UnaryHandler = (call: ScriptedCall) => ScriptedResponse | Promise<ScriptedResponse>;
export type StreamItem = ScriptedResponse | Error | typeof END;
export type StreamHandler = (call: ScriptedCall) => Iterable<StreamItem> | AsyncIterable<StreamItem>;

/** Handlers by RPC name (`AnalyzePlan`, `ExecutePlan`, `ReattachExecute`, …); a missing one answers nothing but `{}`. */
export interface Script {
  unary?: Record<string, UnaryHandler>;
  stream?: Record<string, StreamHandler>;
}

export class MemoryTransport implements Transport {
  /** Every call made, in order. */
  readonly calls: ScriptedCall[] = [];
  readonly secrets: readonly Secret[] = [];
  #closed = false;
  readonly #script: Script;

  constructor(script: Script) {
    this.#script = script;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The requests of one method, in order. */
  requests<I extends Message>(method: RpcMethod<I, Message>): I[] {
    return this.calls.filter((c) => c.method === method.name).map((c) => c.request as I);
  }

  async unary<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config: CallConfig = {},
  ): Promise<O> {
    throwIfAborted(config.signal);
    const call = this.#record(method, create(method.input, request));
    const handler = this.#script.unary?.[method.name];
    const response = handler ? await handler(call) : {};
    return create(method.output, response as MessageInitShape<GenMessage<O>>);
  }

  async *serverStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    config: CallConfig = {},
  ): AsyncGenerator<O, void, undefined> {
    throwIfAborted(config.signal);
    const call = this.#record(method, create(method.input, request));
    const handler = this.#script.stream?.[method.name];
    if (!handler) return;
    for await (const item of handler(call)) {
      if (config.signal?.aborted) throw abortError(config.signal);
      if (item === END) return;
      if (item instanceof Error) throw item;
      yield create(method.output, item as MessageInitShape<GenMessage<O>>);
    }
  }

  async clientStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    requests: Iterable<MessageInitShape<GenMessage<I>>> | AsyncIterable<MessageInitShape<GenMessage<I>>>,
    config: CallConfig = {},
  ): Promise<O> {
    throwIfAborted(config.signal);
    let last: ScriptedCall | undefined;
    for await (const request of requests) last = this.#record(method, create(method.input, request));
    const handler = this.#script.unary?.[method.name];
    const response = handler && last ? await handler(last) : {};
    return create(method.output, response as MessageInitShape<GenMessage<O>>);
  }

  close(): void {
    this.#closed = true;
  }

  #record(method: RpcMethod<Message, Message>, request: Message): ScriptedCall {
    const attempt = this.calls.filter((c) => c.method === method.name).length;
    const call = { method: method.name, request, attempt };
    this.calls.push(call);
    return call;
  }
}
