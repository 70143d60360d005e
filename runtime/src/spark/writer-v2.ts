/**
 * `df.writeTo(table)`: Spark's DataFrameWriterV2 as a `WriteOperationV2` command, for catalog tables
 * (create, replace, append, overwrite by condition, overwrite partitions). Immutable like `DataFrameWriter`.
 */
import { WriteOperationV2_Mode } from "../gen/spark/connect/commands_pb.js";
import type { DataFrame, QueryOptions } from "./dataframe.js";
import { column, type ExpressionInit, sqlExpression } from "./relations.js";

interface WriterV2State {
  provider: string | undefined;
  partitionedBy: readonly string[];
  clusterBy: readonly string[];
  options: Readonly<Record<string, string>>;
  tableProperties: Readonly<Record<string, string>>;
}

export class DataFrameWriterV2 {
  readonly #df: DataFrame;
  readonly #table: string;
  readonly #state: WriterV2State;

  constructor(df: DataFrame, table: string, state?: WriterV2State) {
    this.#df = df;
    this.#table = table;
    this.#state = state ?? { provider: undefined, partitionedBy: [], clusterBy: [], options: {}, tableProperties: {} };
  }

  using(provider: string): DataFrameWriterV2 {
    return this.#with({ provider });
  }

  partitionedBy(...columns: string[]): DataFrameWriterV2 {
    return this.#with({ partitionedBy: columns });
  }

  clusterBy(...columns: string[]): DataFrameWriterV2 {
    return this.#with({ clusterBy: columns });
  }

  option(key: string, value: string | number | bigint | boolean): DataFrameWriterV2 {
    return this.#with({ options: { ...this.#state.options, [key]: String(value) } });
  }

  tableProperty(key: string, value: string): DataFrameWriterV2 {
    return this.#with({ tableProperties: { ...this.#state.tableProperties, [key]: value } });
  }

  create(options: QueryOptions = {}): Promise<void> {
    return this.#run(WriteOperationV2_Mode.CREATE, undefined, options);
  }

  replace(options: QueryOptions = {}): Promise<void> {
    return this.#run(WriteOperationV2_Mode.REPLACE, undefined, options);
  }

  createOrReplace(options: QueryOptions = {}): Promise<void> {
    return this.#run(WriteOperationV2_Mode.CREATE_OR_REPLACE, undefined, options);
  }

  append(options: QueryOptions = {}): Promise<void> {
    return this.#run(WriteOperationV2_Mode.APPEND, undefined, options);
  }

  /** Replace the rows matching `condition` (a SQL condition string or an expression) with this DataFrame's. */
  overwrite(condition: string | ExpressionInit, options: QueryOptions = {}): Promise<void> {
    const expr = typeof condition === "string" ? sqlExpression(condition) : condition;
    return this.#run(WriteOperationV2_Mode.OVERWRITE, expr, options);
  }

  overwritePartitions(options: QueryOptions = {}): Promise<void> {
    return this.#run(WriteOperationV2_Mode.OVERWRITE_PARTITIONS, undefined, options);
  }

  async #run(mode: WriteOperationV2_Mode, overwriteCondition: ExpressionInit | undefined, options: QueryOptions) {
    const s = this.#state;
    await this.#df.client.executeCommand(
      {
        commandType: {
          case: "writeOperationV2",
          value: {
            input: this.#df.relation,
            tableName: this.#table,
            ...(s.provider === undefined ? {} : { provider: s.provider }),
            partitioningColumns: s.partitionedBy.map(column),
            clusteringColumns: [...s.clusterBy],
            options: { ...s.options },
            tableProperties: { ...s.tableProperties },
            mode,
            ...(overwriteCondition === undefined ? {} : { overwriteCondition }),
          },
        },
      },
      options,
    );
  }

  #with(change: Partial<WriterV2State>): DataFrameWriterV2 {
    return new DataFrameWriterV2(this.#df, this.#table, { ...this.#state, ...change });
  }
}
