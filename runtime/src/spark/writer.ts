/**
 * `df.write…`: Spark's DataFrameWriter as a `WriteOperation` command (path or table; modes; partitioning,
 * clustering and options such as Delta's `txnAppId`/`txnVersion`). Immutable: each call returns a new writer.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  WriteOperation_SaveMode,
  WriteOperation_SaveTable_TableSaveMethod,
  type WriteOperationSchema,
} from "../gen/spark/connect/commands_pb.js";
import type { DataFrame, QueryOptions } from "./dataframe.js";

export type SaveMode = "append" | "overwrite" | "errorIfExists" | "ignore";

const SAVE_MODES: Record<SaveMode, WriteOperation_SaveMode> = {
  append: WriteOperation_SaveMode.APPEND,
  overwrite: WriteOperation_SaveMode.OVERWRITE,
  errorIfExists: WriteOperation_SaveMode.ERROR_IF_EXISTS,
  ignore: WriteOperation_SaveMode.IGNORE,
};

interface WriterState {
  format: string;
  mode: SaveMode;
  partitionBy: readonly string[];
  clusterBy: readonly string[];
  options: Readonly<Record<string, string>>;
}

export class DataFrameWriter {
  readonly #df: DataFrame;
  readonly #state: WriterState;

  constructor(df: DataFrame, state?: WriterState) {
    this.#df = df;
    this.#state = state ?? { format: "delta", mode: "errorIfExists", partitionBy: [], clusterBy: [], options: {} };
  }

  format(source: string): DataFrameWriter {
    return this.#with({ format: source });
  }

  mode(mode: SaveMode): DataFrameWriter {
    return this.#with({ mode });
  }

  partitionBy(...columns: string[]): DataFrameWriter {
    return this.#with({ partitionBy: columns });
  }

  /**
   * Clustering columns, sent as `WriteOperation.clustering_columns`. Delta Lake 4.4 ignores them on path writes
   * and rejects them on table writes; create a clustered Delta table with `CREATE TABLE … CLUSTER BY` instead
   * (appends keep its clustering).
   */
  clusterBy(...columns: string[]): DataFrameWriter {
    return this.#with({ clusterBy: columns });
  }

  option(key: string, value: string | number | bigint | boolean): DataFrameWriter {
    return this.#with({ options: { ...this.#state.options, [key]: String(value) } });
  }

  options(options: Readonly<Record<string, string | number | bigint | boolean>>): DataFrameWriter {
    const merged = { ...this.#state.options };
    for (const [k, v] of Object.entries(options)) merged[k] = String(v);
    return this.#with({ options: merged });
  }

  /** Write to a path (e.g. a Delta table directory). */
  save(path: string, options: QueryOptions = {}): Promise<void> {
    return this.#run({ saveType: { case: "path", value: path } }, options);
  }

  saveAsTable(tableName: string, options: QueryOptions = {}): Promise<void> {
    return this.#run(
      {
        saveType: {
          case: "table",
          value: { tableName, saveMethod: WriteOperation_SaveTable_TableSaveMethod.SAVE_AS_TABLE },
        },
      },
      options,
    );
  }

  insertInto(tableName: string, options: QueryOptions = {}): Promise<void> {
    return this.#run(
      {
        saveType: {
          case: "table",
          value: { tableName, saveMethod: WriteOperation_SaveTable_TableSaveMethod.INSERT_INTO },
        },
      },
      options,
    );
  }

  async #run(target: Pick<MessageInitShape<typeof WriteOperationSchema>, "saveType">, options: QueryOptions) {
    const s = this.#state;
    await this.#df.client.executeCommand(
      {
        commandType: {
          case: "writeOperation",
          value: {
            input: this.#df.relation,
            source: s.format,
            ...target,
            mode: SAVE_MODES[s.mode],
            partitioningColumns: [...s.partitionBy],
            clusteringColumns: [...s.clusterBy],
            options: { ...s.options },
          },
        },
      },
      options,
    );
  }

  #with(change: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.#df, { ...this.#state, ...change });
  }
}
