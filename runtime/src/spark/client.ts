/**
 * The client layer under `SparkSession`, as spark-connect-go layers it: a `Transport` (raw RPCs) → this client (the
 * session's identity on every request, one retry budget per call, reattachable execution, the plan-level RPCs) →
 * `SparkSession`/`DataFrame`. Artifacts, configuration and DataFrames are built on it, so none of them needs the
 * session, and no module of `spark/` imports another in a loop (a DataFrame and its writers excepted).
 */
import { randomUUID } from "node:crypto";
import type { Message, MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { ProtocolError } from "../errors.js";
import {
  AnalyzePlanRequest_Explain_ExplainMode,
  type ExecutePlanResponse,
  type PlanSchema,
  SparkConnectService,
} from "../gen/spark/connect/base_pb.js";
import type { CommandSchema } from "../gen/spark/connect/commands_pb.js";
import type { DataType } from "../gen/spark/connect/types_pb.js";
import { type ClientContext, emit, newRetryBudget, type RpcOptions, requestHeader } from "./client-context.js";
import { type ExecuteOptions, executePlan } from "./execute.js";
import type { RelationInit } from "./relations.js";
import { type RetryBudget, withRetry } from "./retry.js";
import type { RpcMethod, Timeouts } from "./transport.js";

const rpc = SparkConnectService.method;

export type ExplainMode = "simple" | "extended" | "codegen" | "cost" | "formatted";

const EXPLAIN_MODES: Record<ExplainMode, AnalyzePlanRequest_Explain_ExplainMode> = {
  simple: AnalyzePlanRequest_Explain_ExplainMode.SIMPLE,
  extended: AnalyzePlanRequest_Explain_ExplainMode.EXTENDED,
  codegen: AnalyzePlanRequest_Explain_ExplainMode.CODEGEN,
  cost: AnalyzePlanRequest_Explain_ExplainMode.COST,
  formatted: AnalyzePlanRequest_Explain_ExplainMode.FORMATTED,
};

export class SparkClient {
  readonly #context: ClientContext;
  readonly #endpoint: string;
  readonly #onReconnect: (() => void)[] = [];
  /** A fork shares its parent's transport, which only the parent closes. */
  readonly #ownsTransport: boolean;

  /** `endpoint`: the server, described without credentials (`sc://host:port`). */
  constructor(context: ClientContext, endpoint: string, options: { ownsTransport?: boolean } = {}) {
    this.#context = context;
    this.#endpoint = endpoint;
    this.#ownsTransport = options.ownsTransport ?? true;
  }

  /**
   * A client of a new server-side session over the same connection (pyspark's `newSession()`): its own session
   * id, temporary views and configuration, the same transport, retry policy, deadlines and `onEvent`.
   */
  fork(): SparkClient {
    return new SparkClient(
      { ...this.#context, sessionId: randomUUID(), serverSideSessionId: undefined },
      this.#endpoint,
      { ownsTransport: false },
    );
  }

  get sessionId(): string {
    return this.#context.sessionId;
  }

  /** `sc://host:port` (and whether TLS is on), never with credentials. */
  get endpoint(): string {
    return this.#endpoint;
  }

  get timeouts(): Readonly<Timeouts> {
    return this.#context.timeouts;
  }

  /** Every credential the transport has sent, for scrubbing texts the server sends back. */
  get secrets() {
    return this.#context.transport.secrets;
  }

  /** The fields every request starts with: session, user, client type and the server-side session seen. */
  header() {
    return requestHeader(this.#context);
  }

  /** A fresh retry budget for one call (a query, an insert), reporting each retry through `onEvent`. */
  retryBudget(signal: AbortSignal | undefined): RetryBudget {
    return newRetryBudget(this.#context, signal);
  }

  /**
   * A new server-side session, after the server lost this one (it restarted: `INVALID_HANDLE.SESSION_CHANGED`).
   * Session state (temporary views, runtime configuration, uploaded artifacts) is not carried over.
   */
  reconnect(): void {
    const previousSessionId = this.#context.sessionId;
    this.#context.sessionId = randomUUID();
    this.#context.serverSideSessionId = undefined;
    for (const listener of this.#onReconnect) listener();
    emit(this.#context, { type: "reconnect", previousSessionId, sessionId: this.#context.sessionId });
  }

  /**
   * Release this server-side session and go on in a new one: what the server kept for the old one — uploaded
   * artifacts above all, which Spark holds in the driver's block manager until the session ends — is freed.
   * Session state (temporary views, runtime configuration) does not carry over.
   */
  async rotate(reason: string): Promise<void> {
    const previousSessionId = this.#context.sessionId;
    await this.#release();
    this.#context.sessionId = randomUUID();
    this.#context.serverSideSessionId = undefined;
    for (const listener of this.#onReconnect) listener();
    emit(this.#context, { type: "rotate", previousSessionId, sessionId: this.#context.sessionId, reason });
  }

  /** Called after every `reconnect()` and `rotate()`, e.g. to forget what was read from the old session. */
  onReconnect(listener: () => void): void {
    this.#onReconnect.push(listener);
  }

  /** A unary RPC, its retries spent from the call's budget. */
  unary<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    request: MessageInitShape<GenMessage<I>>,
    options: RpcOptions = {},
  ): Promise<O> {
    return withRetry(
      method.name,
      () => this.#context.transport.unary(method, request, options),
      options.budget ?? this.retryBudget(options.signal),
    );
  }

  /** A client-streaming RPC, its retries spent from the call's budget; `requests` is called once per try. */
  clientStream<I extends Message, O extends Message>(
    method: RpcMethod<I, O>,
    requests: () => Iterable<MessageInitShape<GenMessage<I>>> | AsyncIterable<MessageInitShape<GenMessage<I>>>,
    options: RpcOptions = {},
  ): Promise<O> {
    return withRetry(
      method.name,
      () => this.#context.transport.clientStream(method, requests(), options),
      options.budget ?? this.retryBudget(options.signal),
    );
  }

  /** ExecutePlan, reattachable, streamed (see execute.ts). */
  execute(
    plan: MessageInitShape<typeof PlanSchema>,
    options: ExecuteOptions = {},
  ): AsyncGenerator<ExecutePlanResponse, void, undefined> {
    return executePlan(this.#context, plan, options);
  }

  /** Run a command to completion and return its responses. */
  async executeCommand(
    command: MessageInitShape<typeof CommandSchema>,
    options: ExecuteOptions = {},
  ): Promise<ExecutePlanResponse[]> {
    const responses: ExecutePlanResponse[] = [];
    for await (const response of this.execute({ opType: { case: "command", value: command } }, options)) {
      responses.push(response);
    }
    return responses;
  }

  /** The server's Spark version, e.g. "4.2.0". */
  async version(options: RpcOptions = {}): Promise<string> {
    const response = await this.unary(
      rpc.analyzePlan,
      { ...this.header(), analyze: { case: "sparkVersion", value: {} } },
      options,
    );
    if (response.result.case !== "sparkVersion") {
      throw new ProtocolError("AnalyzePlan did not return the Spark version");
    }
    return response.result.value.version;
  }

  /** The schema of a relation (AnalyzePlan), without running it. */
  async analyzeSchema(relation: RelationInit, options: RpcOptions = {}): Promise<DataType> {
    const response = await this.unary(
      rpc.analyzePlan,
      { ...this.header(), analyze: { case: "schema", value: { plan: { opType: { case: "root", value: relation } } } } },
      options,
    );
    if (response.result.case !== "schema" || !response.result.value.schema) {
      throw new ProtocolError("AnalyzePlan did not return a schema");
    }
    return response.result.value.schema;
  }

  /** Spark's explanation of a relation's plan. */
  async explain(relation: RelationInit, mode: ExplainMode, options: RpcOptions = {}): Promise<string> {
    const response = await this.unary(
      rpc.analyzePlan,
      {
        ...this.header(),
        analyze: {
          case: "explain",
          value: { plan: { opType: { case: "root", value: relation } }, explainMode: EXPLAIN_MODES[mode] },
        },
      },
      options,
    );
    if (response.result.case !== "explain") throw new ProtocolError("AnalyzePlan did not return an explanation");
    return response.result.value.explainString;
  }

  /** Release the session on the server (best effort: it expires there anyway) and close the transport. */
  async close(): Promise<void> {
    try {
      await this.#release();
    } finally {
      if (this.#ownsTransport) this.#context.transport.close();
    }
  }

  async #release(): Promise<void> {
    try {
      await this.#context.transport.unary(
        rpc.releaseSession,
        { ...this.header(), allowReconnect: false },
        // A healthy server answers at once; one that does not must not hold up the caller's shutdown.
        { timeoutMs: Math.min(this.#context.timeouts.callMs, 5_000) },
      );
    } catch {
      // The session expires on the server anyway; releasing must not fail because the server is gone.
    }
  }
}
