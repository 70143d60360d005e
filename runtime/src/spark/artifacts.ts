/**
 * Artifacts: content-addressed files uploaded into the session (`AddArtifacts`, CRC32 per chunk), with
 * `ArtifactStatus` asked first so nothing the server already holds is sent twice. Used for large local relations
 * (`cache/<sha256>`), the way pyspark's `ArtifactManager.cache_artifact` does it.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { ProtocolError } from "../errors.js";
import { type AddArtifactsRequestSchema, SparkConnectService } from "../gen/spark/connect/base_pb.js";
import type { SparkClient } from "./client.js";
import type { RpcOptions } from "./client-context.js";
import type { Timeouts } from "./transport.js";

/** Size of one `ArtifactChunk`; far below the 128 MiB message limit, large enough to keep message counts low. */
export const ARTIFACT_CHUNK_SIZE = 1024 * 1024;

export interface Artifact {
  name: string;
  data: Uint8Array;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function cacheArtifactName(hash: string): string {
  return `cache/${hash}`;
}

type AddArtifactsInit = MessageInitShape<typeof AddArtifactsRequestSchema>;

function chunk(data: Uint8Array) {
  return { data, crc: BigInt(crc32(data)) };
}

/** The request stream for a set of artifacts: small ones batched together, large ones chunked. */
export function* addArtifactsRequests(
  header: Pick<AddArtifactsInit, "sessionId" | "userContext" | "clientType">,
  artifacts: readonly Artifact[],
  chunkSize = ARTIFACT_CHUNK_SIZE,
): Generator<AddArtifactsInit> {
  let batch: { name: string; data: ReturnType<typeof chunk> }[] = [];
  let batchBytes = 0;
  const flush = function* (): Generator<AddArtifactsInit> {
    if (batch.length === 0) return;
    yield { ...header, payload: { case: "batch", value: { artifacts: batch } } };
    batch = [];
    batchBytes = 0;
  };
  for (const artifact of artifacts) {
    if (artifact.data.byteLength <= chunkSize) {
      if (batchBytes + artifact.data.byteLength > chunkSize) yield* flush();
      batch.push({ name: artifact.name, data: chunk(artifact.data) });
      batchBytes += artifact.data.byteLength;
      continue;
    }
    yield* flush();
    const numChunks = Math.ceil(artifact.data.byteLength / chunkSize);
    yield {
      ...header,
      payload: {
        case: "beginChunk",
        value: {
          name: artifact.name,
          totalBytes: BigInt(artifact.data.byteLength),
          numChunks: BigInt(numChunks),
          initialChunk: chunk(artifact.data.subarray(0, chunkSize)),
        },
      },
    };
    for (let offset = chunkSize; offset < artifact.data.byteLength; offset += chunkSize) {
      yield { ...header, payload: { case: "chunk", value: chunk(artifact.data.subarray(offset, offset + chunkSize)) } };
    }
  }
  yield* flush();
}

/** An upload's deadline grows with its size: the call deadline plus the bytes at the slowest acceptable rate. */
export function uploadTimeoutMs(bytes: number, timeouts: Pick<Timeouts, "callMs" | "uploadBytesPerSecond">): number {
  return timeouts.callMs + Math.ceil((bytes / timeouts.uploadBytesPerSecond) * 1000);
}

export class ArtifactManager {
  #uploaded = 0;

  constructor(private readonly client: SparkClient) {
    client.onReconnect(() => {
      this.#uploaded = 0;
    });
  }

  /**
   * Bytes uploaded into the current server-side session. Spark keeps uploaded cache artifacts in the driver's
   * block manager until the session ends (sql/core `ArtifactManager.addArtifact`: `CacheId(sessionUUID, hash)`,
   * MEMORY_AND_DISK_SER, freed by `cleanUpResources` on release), so this is what a long-lived session holds there.
   */
  get uploadedBytes(): number {
    return this.#uploaded;
  }

  /** Which of `names` the session already holds. */
  async existing(names: readonly string[], options: RpcOptions = {}): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const response = await this.client.unary(
      SparkConnectService.method.artifactStatus,
      { ...this.client.header(), names: [...names] },
      options,
    );
    return new Set(Object.entries(response.statuses).flatMap(([name, status]) => (status.exists ? [name] : [])));
  }

  /** Upload the artifacts the server does not have yet; returns how many bytes were sent. */
  async upload(artifacts: readonly Artifact[], options: RpcOptions = {}): Promise<number> {
    const have = await this.existing(
      artifacts.map((a) => a.name),
      options,
    );
    const missing = artifacts.filter((a) => !have.has(a.name));
    if (missing.length === 0) return 0;
    const { sessionId, userContext, clientType } = this.client.header();
    const bytes = missing.reduce((sum, a) => sum + a.data.byteLength, 0);
    const response = await this.client.clientStream(
      SparkConnectService.method.addArtifacts,
      () => addArtifactsRequests({ sessionId, userContext, clientType }, missing),
      { ...options, timeoutMs: options.timeoutMs ?? uploadTimeoutMs(bytes, this.client.timeouts) },
    );
    const failed = response.artifacts.filter((a) => !a.isCrcSuccessful).map((a) => a.name);
    if (failed.length > 0) throw new ProtocolError(`the server rejected the CRC of artifacts ${failed.join(", ")}`);
    this.#uploaded += bytes;
    return bytes;
  }
}
