/**
 * What the project's tools and tests need from an S3-compatible store (create a bucket, put, get, list and delete
 * objects), on the AWS SDK (`@aws-sdk/client-s3`, path-style addressing as S3Proxy and most S3-compatible stores
 * want). The credentials are `Secret`s; an error quotes the store's error code and message, never a credential.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Secret } from "../../runtime/src/secret.js";

// The SDK warns once per process that its releases after January 2027 need Node 22; the project's tools run on
// Node 20 with the pinned release, where the notice says nothing to act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface S3Settings {
  /** e.g. http://127.0.0.1:15090 (path-style: the bucket is the first path segment). */
  endpoint: string;
  accessKey: Secret;
  secretKey: Secret;
  region?: string;
}

/** The store answered with an error status; `code` is S3's error code (`NoSuchBucket`, `InvalidAccessKeyId`, …). */
export class S3RequestError extends Error {
  override readonly name = "S3RequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function clientFor(settings: S3Settings, timeoutMs: number): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region ?? "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: settings.accessKey.reveal(), secretAccessKey: settings.secretKey.reveal() },
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
  });
}

/**
 * Run one S3 command with its own client (closed afterwards). An answer with an error status becomes
 * `S3RequestError`; anything else (refused, reset, timed out) is the SDK's error as it came.
 */
async function call<T>(
  settings: S3Settings,
  what: string,
  run: (client: S3Client) => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const client = clientFor(settings, timeoutMs);
  try {
    return await run(client);
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode !== undefined) {
      const status = error.$metadata.httpStatusCode;
      // HEAD answers have no body: the SDK names them by status only.
      const code = error.name === "NotFound" && status === 404 ? "NoSuchBucket" : error.name;
      throw new S3RequestError(status, code, `S3 ${what}: ${code}: ${error.message || `HTTP ${status}`}`);
    }
    throw error;
  } finally {
    client.destroy();
  }
}

export async function headBucket(settings: S3Settings, bucket: string, timeoutMs = 30_000): Promise<void> {
  await call(settings, `HEAD /${bucket}`, (c) => c.send(new HeadBucketCommand({ Bucket: bucket })), timeoutMs);
}

export async function createBucket(settings: S3Settings, bucket: string): Promise<void> {
  await call(settings, `PUT /${bucket}`, (c) => c.send(new CreateBucketCommand({ Bucket: bucket })));
}

export async function putObject(
  settings: S3Settings,
  bucket: string,
  key: string,
  body: Uint8Array | string,
  contentType = "application/octet-stream",
): Promise<void> {
  await call(settings, `PUT /${bucket}/${key}`, (c) =>
    c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType })),
  );
}

export async function getObject(settings: S3Settings, bucket: string, key: string): Promise<Uint8Array> {
  return call(settings, `GET /${bucket}/${key}`, async (c) => {
    const out = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body ? out.Body.transformToByteArray() : new Uint8Array();
  });
}

export async function deleteObject(settings: S3Settings, bucket: string, key: string): Promise<void> {
  await call(settings, `DELETE /${bucket}/${key}`, (c) =>
    c.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
  );
}

/** Keys under `prefix` (ListObjectsV2, following continuation tokens); `maxKeys` stops after that many. */
export async function listObjects(
  settings: S3Settings,
  bucket: string,
  prefix = "",
  options: { maxKeys?: number; timeoutMs?: number } = {},
): Promise<string[]> {
  return call(
    settings,
    `GET /${bucket}?list-type=2`,
    async (c) => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await c.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token ? { ContinuationToken: token } : {}),
            ...(options.maxKeys !== undefined ? { MaxKeys: options.maxKeys } : {}),
          }),
        );
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated && options.maxKeys === undefined ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    options.timeoutMs,
  );
}

/** Settings from plain strings (e.g. from the environment), wrapped as secrets. */
export function s3Settings(endpoint: string, accessKey: string, secretKey: string, region?: string): S3Settings {
  return {
    endpoint,
    accessKey: new Secret(accessKey),
    secretKey: new Secret(secretKey),
    ...(region ? { region } : {}),
  };
}
