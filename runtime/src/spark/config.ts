/** `spark.conf`: the session's runtime configuration over the `Config` RPC. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { type ConfigRequest_OperationSchema, SparkConnectService } from "../gen/spark/connect/base_pb.js";
import type { SparkSession } from "./session.js";
import type { CallConfig } from "./transport.js";

type Operation = MessageInitShape<typeof ConfigRequest_OperationSchema>;

export class RuntimeConfig {
  constructor(private readonly session: SparkSession) {}

  /** The value of `key`, or undefined when it is not set and has no default. */
  async get(key: string, options: CallConfig = {}): Promise<string | undefined> {
    const [pair] = await this.#call({ opType: { case: "getOption", value: { keys: [key] } } }, options);
    return pair?.value;
  }

  async getOrDefault(key: string, fallback: string, options: CallConfig = {}): Promise<string> {
    const [pair] = await this.#call(
      { opType: { case: "getWithDefault", value: { pairs: [{ key, value: fallback }] } } },
      options,
    );
    return pair?.value ?? fallback;
  }

  async set(key: string, value: string | number | boolean, options: CallConfig = {}): Promise<void> {
    await this.#call({ opType: { case: "set", value: { pairs: [{ key, value: String(value) }] } } }, options);
  }

  async unset(key: string, options: CallConfig = {}): Promise<void> {
    await this.#call({ opType: { case: "unset", value: { keys: [key] } } }, options);
  }

  async #call(operation: Operation, options: CallConfig) {
    const response = await this.session.unary(
      SparkConnectService.method.config,
      { ...this.session.header(), operation },
      options,
    );
    return response.pairs;
  }
}
