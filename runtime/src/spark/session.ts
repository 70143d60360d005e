/**
 * A Spark Connect session: `SparkSession.connect("sc://…")` (or `SPARK_REMOTE`), SQL with bound parameters,
 * DataFrames from tables, ranges and Arrow data, session configuration, and `close()`. The RPCs themselves are the
 * client layer's (client.ts); a session is what users hold.
 */
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ChannelOptions } from "@grpc/grpc-js";
import type { Table } from "apache-arrow";
import {
  ConnectionError,
  ConnectionStringError,
  InvalidArgumentError,
  isLakehouseError,
  isTimeoutError,
  ProtocolError,
  type SparkError,
} from "../errors.js";
import {
  type ExecutePlanResponse,
  InterruptRequest_InterruptType,
  SparkConnectService,
} from "../gen/spark/connect/base_pb.js";
import type { CommandSchema } from "../gen/spark/connect/commands_pb.js";
import { redact } from "../secret.js";
import { VERSION } from "../version.js";
import { ArtifactManager } from "./artifacts.js";
import { SparkClient } from "./client.js";
import type { ClientContext, ClientEvent, RpcOptions } from "./client-context.js";
import { RuntimeConfig } from "./config.js";
import { type ConnectionConfig, describeConnection, parseConnectionString } from "./connection-string.js";
import { DataFrame, type QueryOptions } from "./dataframe.js";
import { GrpcTransport } from "./grpc-transport.js";
import { checkHeaderValue } from "./header-value.js";
import {
  type LocalRelationLimits,
  type PlannedLocalRelation,
  planLocalRelation,
  readLimits,
} from "./local-relation.js";
import type { SqlParams } from "./relations.js";
import * as rel from "./relations.js";
import { DEFAULT_RETRY_POLICY, type RetryBudget, type RetryPolicy } from "./retry.js";
import { SqlResult } from "./sql-result.js";
import { CachedToken, staticToken, type TokenProvider } from "./token-provider.js";
import { DEFAULT_TIMEOUTS, type Timeouts, type Transport } from "./transport.js";

export interface SparkErrorDetail {
  /** The exception class and its superclasses, most specific first. */
  types: string[];
  message: string;
  stackTrace: string[];
}

export interface CreateDataFrameOptions {
  /** Spark DDL (`"id BIGINT, name STRING"`) or StructType JSON the server casts the data to. */
  schema?: string | undefined;
  signal?: AbortSignal | undefined;
  /** @internal */
  budget?: RetryBudget | undefined;
}

export interface SessionOptions {
  /** Supplies (and refreshes) bearer tokens; overrides a `token` in the connection string. */
  tokenProvider?: TokenProvider | undefined;
  /** PEM CA certificate(s) to trust instead of the system roots. */
  caCertificate?: Uint8Array | undefined;
  /** How retries are spent: one budget per call (see `RetryPolicy`). Default `DEFAULT_RETRY_POLICY`. */
  retryPolicy?: RetryPolicy | undefined;
  /** Deadlines; each one left out keeps its default (`DEFAULT_TIMEOUTS`). */
  timeouts?: Partial<Timeouts> | undefined;
  /** Aborts `connect()` (not the session once connected). */
  signal?: AbortSignal | undefined;
  /** Prepended to the client's own user agent. */
  userAgent?: string | undefined;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions | undefined;
  /** Called on retries, reattaches, restarts and interrupts, e.g. to log them. */
  onEvent?: ((event: ClientEvent) => void) | undefined;
  /** Check the server answers (and accepts the credentials) before `connect()` resolves. Default true. */
  verify?: boolean | undefined;
}

const rpc = SparkConnectService.method;

export class SparkSession {
  readonly #client: SparkClient;
  #closed = false;
  #version: string | undefined;
  #limits: LocalRelationLimits | undefined;
  readonly conf: RuntimeConfig;
  readonly artifacts: ArtifactManager;

  /** @internal A session over a client of your own (e.g. on a `MemoryTransport`, in tests). */
  constructor(client: SparkClient) {
    this.#client = client;
    this.conf = new RuntimeConfig(client);
    this.artifacts = new ArtifactManager(client);
    // What was read from a session the server lost belongs to it.
    client.onReconnect(() => {
      this.#limits = undefined;
    });
  }

  /**
   * Connect to `remote` (a `sc://` string), or to `SPARK_REMOTE` when none is given.
   * @example const spark = await SparkSession.connect("sc://localhost:15002");
   */
  static async connect(remote?: string | ConnectionConfig, options: SessionOptions = {}): Promise<SparkSession> {
    const source = remote ?? process.env.SPARK_REMOTE;
    if (source === undefined || source === "") {
      throw new ConnectionStringError("no Spark Connect server given: pass a sc:// string or set SPARK_REMOTE");
    }
    const config = typeof source === "string" ? parseConnectionString(source) : source;
    const provider = options.tokenProvider ?? (config.token ? staticToken(config.token) : undefined);
    if (options.userAgent !== undefined) {
      checkHeaderValue(options.userAgent, "the userAgent option", (m) => new InvalidArgumentError(m));
    }
    const userAgent = [
      options.userAgent ?? config.userAgent,
      `lakehouse-contracts/${VERSION}`,
      `node/${process.version}`,
    ]
      .filter(Boolean)
      .join(" ");
    const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) };
    const transport = new GrpcTransport({
      host: config.host,
      port: config.port,
      useSsl: config.useSsl,
      caCertificate: options.caCertificate,
      headers: config.headers,
      token: provider ? new CachedToken(provider) : undefined,
      userAgent,
      maxMessageSize: config.grpcMaxMessageSize,
      channelOptions: options.channelOptions,
      timeouts,
    });
    const session = SparkSession.over(transport, describeConnection(config), {
      ...options,
      timeouts,
      userAgent,
      sessionId: config.sessionId,
      userId: config.userId,
    });
    if (options.verify ?? true) {
      // The whole of connect() — every try — ends by `connectMs`; each try by then at the latest.
      const deadline = AbortSignal.timeout(timeouts.connectMs);
      const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
      try {
        await session.version({ signal, timeoutMs: Math.min(timeouts.callMs, timeouts.connectMs) });
      } catch (error) {
        transport.close();
        if (deadline.aborted && !options.signal?.aborted) {
          const why = isLakehouseError(error) && !isTimeoutError(error) ? `: ${error.message}` : "";
          throw new ConnectionError(
            `no answer from ${describeConnection(config)} within ${timeouts.connectMs / 1000} s${why}`,
          );
        }
        throw error;
      }
    }
    return session;
  }

  /**
   * @internal A session over any `Transport` (tests use a `MemoryTransport`); `endpoint` describes the server
   * without credentials. Does not call the server.
   */
  static over(
    transport: Transport,
    endpoint: string,
    options: Pick<SessionOptions, "retryPolicy" | "onEvent"> & {
      timeouts?: Partial<Timeouts> | undefined;
      userAgent?: string | undefined;
      sessionId?: string | undefined;
      userId?: string | undefined;
    } = {},
  ): SparkSession {
    const user = options.userId ?? defaultUser();
    const context: ClientContext = {
      transport,
      sessionId: options.sessionId ?? randomUUID(),
      userContext: { userId: user, userName: user },
      clientType: options.userAgent ?? `lakehouse-contracts/${VERSION} node/${process.version}`,
      retryPolicy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      timeouts: { ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) },
      onEvent: options.onEvent,
      serverSideSessionId: undefined,
    };
    return new SparkSession(new SparkClient(context, endpoint));
  }

  get sessionId(): string {
    return this.#client.sessionId;
  }

  /** `sc://host:port` (and whether TLS is on), never with credentials. */
  get endpoint(): string {
    return this.#client.endpoint;
  }

  /** `sc://host:port`, never with credentials. */
  toString(): string {
    return `SparkSession(${this.endpoint}, session ${this.sessionId})`;
  }

  /**
   * Start a new server-side session after the server lost this one (it restarted: Spark reports
   * `INVALID_HANDLE.SESSION_CHANGED`). Session state (temporary views, runtime configuration, uploaded artifacts)
   * is not carried over.
   */
  reconnect(): void {
    this.#client.reconnect();
  }

  /** The server's Spark version, e.g. "4.2.0". */
  async version(options: RpcOptions = {}): Promise<string> {
    this.#version ??= await this.#client.version(options);
    return this.#version;
  }

  /**
   * Run SQL with bound parameters and return its result as a DataFrame. Like pyspark, the statement is executed
   * now (so DDL and DML take effect), and a query's DataFrame re-runs lazily when read. The promise can be read
   * into a shape at once (`SqlResult.into`).
   * @example await spark.sql("SELECT * FROM t WHERE id = :id", { id: 42n })
   * @example await spark.sql("SELECT order_id, total_amount FROM orders").into(Order.pick("orderId", "total")).collect()
   */
  sql(query: string, params?: SqlParams, options: QueryOptions = {}): SqlResult {
    return SqlResult.of(this.#sql(query, params, options));
  }

  async #sql(query: string, params: SqlParams | undefined, options: QueryOptions): Promise<DataFrame> {
    const responses = await this.#client.executeCommand(
      { commandType: { case: "sqlCommand", value: { input: rel.sqlRelation(query, params) } } },
      options,
    );
    for (const response of responses) {
      if (response.responseType.case === "sqlCommandResult" && response.responseType.value.relation) {
        return new DataFrame(this.#client, response.responseType.value.relation);
      }
    }
    throw new ProtocolError("the server returned no result relation for the SQL command");
  }

  table(name: string): DataFrame {
    return new DataFrame(this.#client, rel.namedTable(name));
  }

  /** Read files or a table by data source, e.g. `read("delta", ["/path/to/table"])`. */
  read(format: string, paths: readonly string[], options: Record<string, string> = {}): DataFrame {
    return new DataFrame(this.#client, rel.dataSource(format, paths, options));
  }

  range(start: number | bigint, end?: number | bigint, step: number | bigint = 1, numPartitions?: number): DataFrame {
    const [from, to] = end === undefined ? [0n, BigInt(start)] : [BigInt(start), BigInt(end)];
    if (BigInt(step) === 0n) throw new InvalidArgumentError("range: step must not be 0");
    return new DataFrame(this.#client, rel.range(from, to, BigInt(step), numPartitions));
  }

  /**
   * A DataFrame from an apache-arrow Table. Small tables travel inline in the plan; from the server's
   * `localRelationCacheThreshold` up they are uploaded as artifacts first (see `local-relation.ts`). Give
   * `schema` (Spark DDL or JSON) to have the server cast and rename columns to it.
   */
  async createDataFrame(table: Table, options: CreateDataFrameOptions = {}): Promise<DataFrame> {
    const planned = await this.planLocalRelation(table, options);
    return new DataFrame(this.#client, planned.relation);
  }

  /** @internal Like `createDataFrame`, also saying which path the data took. */
  async planLocalRelation(table: Table, options: CreateDataFrameOptions = {}): Promise<PlannedLocalRelation> {
    const rpcOptions = { signal: options.signal, budget: options.budget };
    this.#limits ??= await readLimits(this.conf, rpcOptions);
    return planLocalRelation(table, options.schema, this.#limits, this.artifacts, rpcOptions);
  }

  /**
   * The server-side detail of a Spark error: the exception chain with messages and, when the server keeps them
   * (`spark.sql.connect.serverStacktrace.enabled`), JVM stack traces. Only on request, never in messages.
   */
  async errorDetails(error: SparkError, options: RpcOptions = {}): Promise<SparkErrorDetail[]> {
    if (!error.errorId) return [];
    const response = await this.#client.unary(
      rpc.fetchErrorDetails,
      { ...this.#client.header(), errorId: error.errorId },
      options,
    );
    const secrets = this.#client.secrets;
    return response.errors.map((e) => ({
      types: [...e.errorTypeHierarchy],
      message: redact(e.message, secrets),
      stackTrace: e.stackTrace.map((f) => `${f.declaringClass}.${f.methodName}(${f.fileName ?? "?"}:${f.lineNumber})`),
    }));
  }

  /** Interrupt every operation running in this session; returns the ids of those interrupted. */
  async interruptAll(options: RpcOptions = {}): Promise<string[]> {
    const response = await this.#client.unary(
      rpc.interrupt,
      { ...this.#client.header(), interruptType: InterruptRequest_InterruptType.ALL },
      options,
    );
    return response.interruptedIds;
  }

  /** Interrupt the operations started with `tags` containing `tag`. */
  async interruptTag(tag: string, options: RpcOptions = {}): Promise<string[]> {
    const response = await this.#client.unary(
      rpc.interrupt,
      {
        ...this.#client.header(),
        interruptType: InterruptRequest_InterruptType.TAG,
        interrupt: { case: "operationTag", value: tag },
      },
      options,
    );
    return response.interruptedIds;
  }

  /** Release the session on the server and close the channel. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  /**
   * A new session on the same connection (pyspark's `newSession()`): its own server-side session, temporary
   * views and configuration. Closing it releases its session only; the connection stays with this one.
   */
  newSession(): SparkSession {
    return new SparkSession(this.#client.fork());
  }

  /**
   * Release this server-side session and continue in a new one, freeing what the server kept for it (uploaded
   * data above all: see `ArtifactManager.uploadedBytes`). Temporary views and runtime configuration are lost.
   */
  rotate(reason = "asked for"): Promise<void> {
    return this.#client.rotate(reason);
  }

  /** @internal The client layer this session is built on. */
  get client(): SparkClient {
    return this.#client;
  }

  /** @internal Run a command to completion and return its responses. */
  executeCommand(
    command: MessageInitShape<typeof CommandSchema>,
    options: QueryOptions = {},
  ): Promise<ExecutePlanResponse[]> {
    return this.#client.executeCommand(command, options);
  }

  /** @internal A fresh retry budget for one call (an insert, a query) of this session. */
  retryBudget(signal: AbortSignal | undefined): RetryBudget {
    return this.#client.retryBudget(signal);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function defaultUser(): string {
  try {
    return process.env.USER || userInfo().username || "na";
  } catch {
    return "na";
  }
}
