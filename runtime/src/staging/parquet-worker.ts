/**
 * The worker of `ParquetEncoder`: Arrow IPC stream in, Parquet file out (parquet-wasm, Snappy, as `toParquet`).
 * It runs in a worker thread so that encoding Parquet overlaps validation and uploads on the main thread.
 */
import { parentPort } from "node:worker_threads";

type ParquetWasm = typeof import("parquet-wasm");
let loaded: Promise<ParquetWasm> | undefined;

interface Job {
  id: number;
  ipc: Uint8Array;
}

parentPort?.on("message", async (job: Job) => {
  try {
    loaded ??= import("parquet-wasm");
    const wasm = await loaded;
    const table = wasm.Table.fromIPCStream(job.ipc);
    const properties = new wasm.WriterPropertiesBuilder()
      .setCompression(wasm.Compression.SNAPPY)
      .setCreatedBy("@lakehouse-contracts/runtime (parquet-wasm)")
      .build();
    const parquet = wasm.writeParquet(table, properties);
    parentPort?.postMessage({ id: job.id, parquet }, [parquet.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
