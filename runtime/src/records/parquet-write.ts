/**
 * Records to a Parquet file, through parquet-wasm (arrow-rs compiled to WebAssembly): the Arrow table of
 * `toArrow` crosses into WebAssembly as an IPC stream and is written with Snappy compression, Spark's default.
 * parquet-wasm is imported on first use, so code that never writes Parquet never loads the WebAssembly module.
 * The file's schema is `parquetSchema(d)`.
 */
import { tableToIPC } from "apache-arrow";
import { toArrow } from "./arrow-encode.js";
import type { RecordDescriptor } from "./descriptor.js";

type ParquetWasm = typeof import("parquet-wasm");

let loaded: Promise<ParquetWasm> | undefined;

export async function toParquet(d: RecordDescriptor, records: readonly object[]): Promise<Uint8Array> {
  const ipc = tableToIPC(toArrow(d, records), "stream");
  loaded ??= import("parquet-wasm");
  const wasm = await loaded;
  const table = wasm.Table.fromIPCStream(ipc);
  const properties = new wasm.WriterPropertiesBuilder()
    .setCompression(wasm.Compression.SNAPPY)
    .setCreatedBy("@lakehouse-contracts/runtime (parquet-wasm)")
    .build();
  // writeParquet takes ownership of (and frees) both the table and the properties.
  return wasm.writeParquet(table, properties);
}
