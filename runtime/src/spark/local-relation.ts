/**
 * Client data as a relation. Small tables go inline (`LocalRelation`: one Arrow IPC stream plus an optional
 * schema). From the server's `spark.sql.session.localRelationCacheThreshold` up, the data is uploaded as
 * artifacts instead, so batches of hundreds of MB and beyond never hit gRPC message limits: one IPC stream per
 * chunk of at most `localRelationChunkSizeRows` rows / `localRelationChunkSizeBytes` bytes, referenced by a
 * `ChunkedCachedLocalRelation` (Spark 4.1+, SPARK-53917). Thresholds are read from the server, never hard-coded;
 * the defaults below apply only to servers that do not define them.
 *
 * On a cluster the server turns a local relation into a scan whose rows travel inside its tasks, split over the
 * cluster's default parallelism only; a task above `spark.rpc.message.maxSize` fails the job. So large data becomes
 * the `UNION ALL` of several chunked relations of at most a quarter of that size each: every task stays well below
 * the limit however few cores the cluster has (local mode never shows this: its tasks are not serialized).
 */
import type { Data, Table } from "apache-arrow";
import { encodeIpcStream } from "../arrow/ipc.js";
import { InvalidArgumentError, isSparkError } from "../errors.js";
import { type ArtifactManager, cacheArtifactName, sha256Hex } from "./artifacts.js";
import type { RpcOptions } from "./client-context.js";
import type { RuntimeConfig } from "./config.js";
import type { RelationInit } from "./relations.js";
import * as rel from "./relations.js";
import { isRetryable } from "./retry.js";

export interface LocalRelationLimits {
  cacheThreshold: number;
  chunkSizeRows: number;
  chunkSizeBytes: number;
  sizeLimit: number;
  /** Arrow bytes per relation in a union of chunked relations (a quarter of `spark.rpc.message.maxSize`). */
  relationBytes: number;
}

const DEFAULT_LIMITS: LocalRelationLimits = {
  cacheThreshold: 64 * 1024 * 1024,
  chunkSizeRows: 10_000,
  chunkSizeBytes: 16 * 1024 * 1024,
  sizeLimit: 3 * 1024 * 1024 * 1024,
  relationBytes: 32 * 1024 * 1024,
};

/** Parses Spark byte sizes such as "1048576", "134217728b", "16m", "3g". */
export function parseByteSize(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^\s*(\d+)\s*(b|k|kb|m|mb|g|gb|t|tb)?\s*$/i.exec(text);
  if (!match) return fallback;
  const unit = (match[2] ?? "b").toLowerCase()[0] as "b" | "k" | "m" | "g" | "t";
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit];
  return Number(match[1]) * scale;
}

export async function readLimits(conf: RuntimeConfig, options: RpcOptions = {}): Promise<LocalRelationLimits> {
  const keys = [
    "spark.sql.session.localRelationCacheThreshold",
    "spark.sql.session.localRelationChunkSizeRows",
    "spark.sql.session.localRelationChunkSizeBytes",
    "spark.sql.session.localRelationSizeLimit",
    "spark.rpc.message.maxSize",
  ] as const;
  // One Config call for all of them; a server that refuses one of the keys (not every server defines them all)
  // is asked key by key, and a key it refuses keeps its default.
  let values: Map<string, string | undefined>;
  try {
    values = await conf.getMany(keys, options);
  } catch (error) {
    if (isRetryable(error) || !isSparkError(error)) throw error;
    const each = await Promise.all(keys.map((k) => conf.get(k, options).catch(() => undefined)));
    values = new Map(keys.map((k, i) => [k, each[i]]));
  }
  const [threshold, rows, bytes, limit, rpcMaxMiB] = keys.map((k) => values.get(k));
  const rpcMax = Number(rpcMaxMiB) > 0 ? Number(rpcMaxMiB) * 1024 * 1024 : 4 * DEFAULT_LIMITS.relationBytes;
  return {
    cacheThreshold: parseByteSize(threshold, DEFAULT_LIMITS.cacheThreshold),
    chunkSizeRows: Number(rows ?? DEFAULT_LIMITS.chunkSizeRows) || DEFAULT_LIMITS.chunkSizeRows,
    chunkSizeBytes: parseByteSize(bytes, DEFAULT_LIMITS.chunkSizeBytes),
    sizeLimit: parseByteSize(limit, DEFAULT_LIMITS.sizeLimit),
    relationBytes: Math.floor(rpcMax / 4),
  };
}

export interface PlannedLocalRelation {
  relation: RelationInit;
  /** "inline" or "artifacts" (the cached, chunked path). */
  path: "inline" | "artifacts";
  /** Bytes uploaded as artifacts (0 when the server already had them all, or inline). */
  uploadedBytes: number;
}

export async function planLocalRelation(
  table: Table,
  schema: string | undefined,
  limits: LocalRelationLimits,
  artifacts: ArtifactManager,
  options: RpcOptions = {},
): Promise<PlannedLocalRelation> {
  // The size decides the path. Arrow's buffers bound it without encoding (a slice may share larger buffers); only
  // data that may go inline is encoded whole, and its encoded size has the last word. Large data is encoded once,
  // chunk by chunk, and the size limit is checked on the exact encoded bytes.
  let size = bufferBytes(table);
  if (size < limits.cacheThreshold) {
    const whole = encodeIpcStream(table);
    if (whole.byteLength < limits.cacheThreshold) {
      return { relation: rel.localRelation(whole, schema), path: "inline", uploadedBytes: 0 };
    }
    size = whole.byteLength;
  }
  const bytesPerRow = size / Math.max(1, table.numRows);
  const rowsPerChunk = Math.max(1, Math.min(limits.chunkSizeRows, Math.floor(limits.chunkSizeBytes / bytesPerRow)));
  const encoded: Uint8Array[] = [];
  for (let start = 0; start < table.numRows || start === 0; start += rowsPerChunk) {
    encoded.push(encodeIpcStream(table.slice(start, start + rowsPerChunk)));
    if (table.numRows === 0) break;
  }
  const total = encoded.reduce((n, data) => n + data.byteLength, 0);
  if (total > limits.sizeLimit) {
    throw new InvalidArgumentError(
      `the data is ${total} bytes, above the server's spark.sql.session.localRelationSizeLimit (${limits.sizeLimit}); write it in several batches`,
    );
  }
  const chunks = encoded.map((data) => ({ name: cacheArtifactName(sha256Hex(data)), data }));
  const uploads = [...chunks];
  let schemaHash: string | undefined;
  if (schema !== undefined) {
    schemaHash = sha256Hex(schema);
    uploads.push({ name: cacheArtifactName(schemaHash), data: new TextEncoder().encode(schema) });
  }
  const uploadedBytes = await artifacts.upload(uploads, options);
  const relations = groupChunks(chunks, limits.relationBytes).map((group) =>
    rel.chunkedCachedLocalRelation(
      group.map((c) => c.name.slice("cache/".length)),
      schemaHash,
    ),
  );
  return { relation: rel.unionAll(relations), path: "artifacts", uploadedBytes };
}

/** The bytes of a table's Arrow buffers (values, offsets, validity, children): about its IPC size, or more for a slice. */
function bufferBytes(table: Table): number {
  let total = 0;
  const visit = (data: Data) => {
    for (const buffer of [data.values, data.valueOffsets, data.nullBitmap, data.typeIds]) {
      if (ArrayBuffer.isView(buffer)) total += buffer.byteLength;
    }
    for (const child of data.children) visit(child);
  };
  for (const batch of table.batches) visit(batch.data);
  return total;
}

/** Consecutive chunks grouped so that each group holds at most `budget` bytes (and at least one chunk). */
function groupChunks<C extends { data: Uint8Array }>(chunks: readonly C[], budget: number): C[][] {
  const groups: C[][] = [];
  let size = Number.POSITIVE_INFINITY;
  for (const chunk of chunks) {
    if (size + chunk.data.byteLength > budget) {
      groups.push([]);
      size = 0;
    }
    (groups.at(-1) as C[]).push(chunk);
    size += chunk.data.byteLength;
  }
  return groups;
}
