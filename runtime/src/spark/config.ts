/** `spark.conf`: the session's runtime configuration over the `Config` RPC. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type ConfigRequest_OperationSchema, SparkConnectService } from "../gen/spark/connect/base_pb.js";
import type { SparkClient } from "./client.js";
import type { RpcOptions } from "./client-context.js";

type Operation = MessageInitShape<typeof ConfigRequest_OperationSchema>;

export class RuntimeConfig {
  constructor(private readonly client: SparkClient) {}

  /** The value of `key`, or undefined when it is not set and has no default. */
  async get(key: string, options: RpcOptions = {}): Promise<string | undefined> {
    const [pair] = await this.#call({ opType: { case: "getOption", value: { keys: [key] } } }, options);
    return pair?.value;
  }

  /** The values of `keys` in one call; undefined for those not set and without a default. */
  async getMany(keys: readonly string[], options: RpcOptions = {}): Promise<Map<string, string | undefined>> {
    const pairs = await this.#call({ opType: { case: "getOption", value: { keys: [...keys] } } }, options);
    return new Map(keys.map((key, i) => [key, pairs.find((p) => p.key === key)?.value ?? pairs[i]?.value]));
  }

  async getOrDefault(key: string, fallback: string, options: RpcOptions = {}): Promise<string> {
    const [pair] = await this.#call(
      { opType: { case: "getWithDefault", value: { pairs: [{ key, value: fallback }] } } },
      options,
    );
    return pair?.value ?? fallback;
  }

  async set(key: string, value: string | number | boolean, options: RpcOptions = {}): Promise<void> {
    await this.#call({ opType: { case: "set", value: { pairs: [{ key, value: String(value) }] } } }, options);
  }

  async unset(key: string, options: RpcOptions = {}): Promise<void> {
    await this.#call({ opType: { case: "unset", value: { keys: [key] } } }, options);
  }

  async #call(operation: Operation, options: RpcOptions) {
    const response = await this.client.unary(
      SparkConnectService.method.config,
      { ...this.client.header(), operation },
      options,
    );
    return response.pairs;
  }
}
