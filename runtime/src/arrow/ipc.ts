/** Arrow IPC bytes from Spark (each `ArrowBatch.data` is a whole IPC stream: schema, then batches) to record batches. */
import { type RecordBatch, type Schema, Table, tableFromIPC, tableToIPC } from "apache-arrow";

export interface DecodedIpc {
  schema: Schema;
  batches: RecordBatch[];
}

export function decodeIpcStream(bytes: Uint8Array): DecodedIpc {
  const table = tableFromIPC(bytes);
  return { schema: table.schema, batches: table.batches };
}

/** One IPC stream holding all of `table`'s batches (what `LocalRelation.data` carries). */
export function encodeIpcStream(table: Table): Uint8Array {
  return tableToIPC(table, "stream");
}

export function tableFromBatches(schema: Schema, batches: RecordBatch[]): Table {
  return batches.length === 0 ? new Table(schema) : new Table(batches);
}
