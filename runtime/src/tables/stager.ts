/**
 * The bulk path's staging: a validated batch encoded as Parquet off the main thread and put into object storage,
 * where Spark's executors read it for the commit — every byte then goes client → store → executors, in parallel,
 * instead of through the driver. Staged files are named `<prefix>/<writer>/<uuid>.parquet`, deleted once their
 * commit has ended either way; a crash between upload and commit leaves files `clean()` removes.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Table } from "apache-arrow";
import type { ObjectStore } from "../staging/object-store.js";
import { ParquetEncoder } from "../staging/parquet-encoder.js";

export interface StagingOptions {
  /** The bucket staged files go to (`s3Store(…)`, or any `ObjectStore`). */
  store: ObjectStore;
  /** Key prefix of staged files. Default `_lakehouse_staging`. */
  prefix?: string | undefined;
  /** Batches of at least this many Arrow bytes take the bulk path (under `path: "auto"`). Default 16 MiB. */
  minBytes?: number | undefined;
  /** Worker threads encoding Parquet. Default 1. */
  workers?: number | undefined;
}

export interface StagedFile {
  readonly key: string;
  /** The file as Spark reads it, e.g. `s3a://bucket/_lakehouse_staging/…/….parquet`. */
  readonly uri: string;
  readonly bytes: number;
}

export class Stager {
  readonly #store: ObjectStore;
  readonly #prefix: string;
  readonly minBytes: number;
  readonly #encoder: ParquetEncoder;
  #checked: Promise<void> | undefined;

  constructor(options: StagingOptions) {
    this.#store = options.store;
    this.#prefix = (options.prefix ?? "_lakehouse_staging").replace(/^\/+|\/+$/g, "");
    this.minBytes = options.minBytes ?? 16 * 1024 * 1024;
    this.#encoder = new ParquetEncoder(options.workers ?? 1);
  }

  /** The store is reachable, takes the credentials and has the bucket — checked once, before anything is staged. */
  check(signal?: AbortSignal): Promise<void> {
    this.#checked ??= this.#store.check({ signal }).catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    return this.#checked;
  }

  /** Encode `data` as Parquet and put it into the store, under the writer's folder. */
  async stage(data: Table, writer: string, signal?: AbortSignal): Promise<StagedFile> {
    await this.check(signal);
    const parquet = await this.#encoder.encode(data);
    const key = `${this.#prefix}/${folderOf(writer)}/${randomUUID()}.parquet`;
    await this.#store.put(key, parquet, { signal });
    return { key, uri: this.uriOf(key), bytes: parquet.byteLength };
  }

  uriOf(key: string): string {
    return `${this.#store.scheme}://${this.#store.bucket}/${key}`;
  }

  /** Remove a staged file (best effort: a file left behind is removed by `clean`). */
  async remove(file: StagedFile): Promise<void> {
    await this.#store.delete([file.key]).catch(() => undefined);
  }

  /**
   * Remove staged files older than `olderThanMs` (default a day): what a crashed load left between its upload and its
   * commit. Files of loads still running are younger than that. Returns the keys removed.
   */
  async clean(olderThanMs = 24 * 60 * 60 * 1000): Promise<string[]> {
    const cutoff = Date.now() - olderThanMs;
    const old: string[] = [];
    for await (const object of this.#store.list(`${this.#prefix}/`)) {
      if (object.key.endsWith(".parquet") && object.lastModified.getTime() < cutoff) old.push(object.key);
    }
    if (old.length > 0) await this.#store.delete(old);
    return old;
  }

  close(): Promise<void> {
    return this.#encoder.close();
  }
}

/** A folder name for a writer's app id: readable where it can be, always a safe key. */
function folderOf(appId: string): string {
  const readable = appId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64);
  return `${readable}-${createHash("sha256").update(appId).digest("hex").slice(0, 8)}`;
}
