/**
 * Object storage for staged files: the client puts validated batches there as Parquet, and Spark's executors read
 * them (bulk ingest). `ObjectStore` is what the runtime needs of one bucket; `s3Store` is the S3 one (any
 * S3-compatible store: AWS, MinIO, S3Proxy, …), built on `@aws-sdk/client-s3` (an optional peer, loaded when used).
 */
import { errorGuard, LakehouseError } from "../errors.js";
import { redact, Secret } from "../secret.js";

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** One bucket of an object store. Keys are relative to the bucket. */
export interface ObjectStore {
  /** The bucket, and the URI scheme Spark reads it with (`s3a://<bucket>/<key>`). */
  readonly bucket: string;
  readonly scheme: string;
  /** Fails with `ObjectStoreError` when the store cannot be reached, refuses the credentials or has no such bucket. */
  check(options?: { signal?: AbortSignal | undefined }): Promise<void>;
  put(key: string, body: Uint8Array, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  list(prefix: string): AsyncIterable<StoredObject>;
}

export type ObjectStoreProblem = "unreachable" | "credentials" | "no_bucket" | "failed";

/** The object store could not be used: `problem` says why. Nothing was committed because of it. */
export class ObjectStoreError extends LakehouseError {
  override name = "ObjectStoreError";
  readonly problem: ObjectStoreProblem;
  constructor(problem: ObjectStoreProblem, message: string) {
    super("object_store", message);
    this.problem = problem;
  }
}

export const isObjectStoreError = errorGuard<ObjectStoreError>("object_store");

export interface S3StoreOptions {
  bucket: string;
  /** e.g. `http://127.0.0.1:9000` for a local store; AWS's when left out. */
  endpoint?: string | undefined;
  region?: string | undefined;
  accessKeyId: string;
  secretAccessKey: string | Secret;
  /** Path-style URLs (`endpoint/bucket/key`), which local stores need. Default: true when an endpoint is given. */
  forcePathStyle?: boolean | undefined;
  /** Multipart uploads above this size, in parts of this size. Default 16 MiB. */
  partSize?: number | undefined;
  /** The scheme Spark reads the bucket with. Default "s3a". */
  scheme?: string | undefined;
}

type S3Module = typeof import("@aws-sdk/client-s3");
type StorageModule = typeof import("@aws-sdk/lib-storage");

async function load(): Promise<{ s3: S3Module; storage: StorageModule }> {
  try {
    const [s3, storage] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]);
    return { s3, storage };
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new ObjectStoreError(
      "failed",
      "staging in S3 needs @aws-sdk/client-s3 and @aws-sdk/lib-storage: npm install @aws-sdk/client-s3 @aws-sdk/lib-storage",
    );
  }
}

/** An S3 bucket as an `ObjectStore`. */
export async function s3Store(options: S3StoreOptions): Promise<ObjectStore> {
  const { s3, storage } = await load();
  const secret =
    options.secretAccessKey instanceof Secret ? options.secretAccessKey : new Secret(options.secretAccessKey);
  const client = new s3.S3Client({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    region: options.region ?? "us-east-1",
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: secret.reveal() },
    // A store that does not answer must not hold a load up: the SDK's own retries, bounded.
    maxAttempts: 4,
  });
  const bucket = options.bucket;
  const secrets = [secret, new Secret(options.accessKeyId)];
  const fail = (error: unknown, doing: string): never => {
    throw storeError(error, doing, bucket, options.endpoint, secrets);
  };
  return {
    bucket,
    scheme: options.scheme ?? "s3a",
    async check(o = {}) {
      try {
        await client.send(new s3.HeadBucketCommand({ Bucket: bucket }), o.signal ? { abortSignal: o.signal } : {});
      } catch (error) {
        fail(error, "reach the bucket");
      }
    },
    async put(key, body, o = {}) {
      try {
        const upload = new storage.Upload({
          client,
          params: { Bucket: bucket, Key: key, Body: body, ContentType: "application/vnd.apache.parquet" },
          partSize: options.partSize ?? 16 * 1024 * 1024,
          queueSize: 2,
          leavePartsOnError: false,
        });
        const abort = () => void upload.abort();
        o.signal?.addEventListener("abort", abort, { once: true });
        try {
          await upload.done();
        } finally {
          o.signal?.removeEventListener("abort", abort);
        }
      } catch (error) {
        fail(error, `upload ${key}`);
      }
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        try {
          await client.send(
            new s3.DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
            }),
          );
        } catch (error) {
          fail(error, `delete ${chunk.length} objects`);
        }
      }
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        let page: import("@aws-sdk/client-s3").ListObjectsV2CommandOutput;
        try {
          page = await client.send(
            new s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          );
        } catch (error) {
          return fail(error, `list ${prefix}`);
        }
        for (const o of page.Contents ?? []) {
          if (o.Key) yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
  };
}

/** The SDK's failure as an `ObjectStoreError` naming the problem; credentials are never in its message. */
function storeError(
  error: unknown,
  doing: string,
  bucket: string,
  endpoint: string | undefined,
  secrets: readonly Secret[],
): ObjectStoreError {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const where = `bucket ${JSON.stringify(bucket)}${endpoint === undefined ? "" : ` at ${endpoint}`}`;
  const detail = redact(`${e.name ?? "Error"}${e.message ? `: ${e.message}` : ""}`, secrets);
  if (e.name === "NoSuchBucket" || (status === 404 && /bucket/i.test(doing))) {
    return new ObjectStoreError("no_bucket", `could not ${doing}: there is no ${where}`);
  }
  if (status === 403 || /InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|Forbidden/.test(e.name ?? "")) {
    return new ObjectStoreError(
      "credentials",
      `could not ${doing}: the store refused the credentials for ${where} (${detail})`,
    );
  }
  if (status === undefined) {
    return new ObjectStoreError(
      "unreachable",
      `could not ${doing}: the store for ${where} cannot be reached (${detail})`,
    );
  }
  return new ObjectStoreError("failed", `could not ${doing} in ${where}: ${detail}`);
}
