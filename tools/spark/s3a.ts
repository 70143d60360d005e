/**
 * What the local Spark server needs to keep tables on an S3-compatible store (`s3a://bucket/path`): Hadoop's S3A
 * settings for the endpoint (path-style, plain HTTP on 127.0.0.1, a fixed region) as Spark configuration, and the
 * credentials as environment variables (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by the AWS SDK's
 * EnvironmentVariableCredentialsProvider), so that they appear neither on a command line (`ps`) nor in Spark's
 * configuration, which any Spark Connect client can read back. In cluster mode the workers get the same
 * environment, and the executors they launch inherit it; the `spark.hadoop.*` settings reach executors with the
 * application's configuration.
 */
import { createHash } from "node:crypto";
import type { Secret } from "../../runtime/src/secret.js";

export interface SparkStoreSettings {
  /** e.g. http://127.0.0.1:15090; `https://…` turns TLS on. */
  endpoint: string;
  accessKey: Secret;
  secretKey: Secret;
  /** Default us-east-1 (S3Proxy does not check it; real S3 does). */
  region?: string;
  /** Virtual-host addressing for stores that want it (AWS); default path-style (`endpoint/bucket/key`). */
  virtualHostStyle?: boolean;
  /**
   * Bucket names that fail the way a misconfigured store does, through per-bucket S3A settings (for tests): one
   * whose endpoint nothing listens on, one read with credentials the store does not know.
   */
  probes?: { unreachableBucket: string; badCredentialsBucket: string };
}

/**
 * Nothing listens on TCP port 2 of the loopback address (a reserved port only root could bind): a connection there
 * is refused at once. (Not port 1: fetch refuses to even try it, as a "bad port".)
 */
export const UNREACHABLE_ENDPOINT = "http://127.0.0.1:2";

export interface S3aSettings {
  /** Spark configuration (no secrets in it). */
  conf: Record<string, string>;
  /** Environment of the driver, and in cluster mode of the workers (and so of the executors). */
  env: Record<string, string>;
  /** Identifies endpoint and credentials without revealing them, to tell whether a running server uses these. */
  fingerprint: string;
}

export function s3aSettings(store: SparkStoreSettings): S3aSettings {
  const h = "spark.hadoop.fs.s3a";
  const tls = store.endpoint.startsWith("https://");
  const conf: Record<string, string> = {
    [`${h}.impl`]: "org.apache.hadoop.fs.s3a.S3AFileSystem",
    [`${h}.endpoint`]: store.endpoint,
    [`${h}.endpoint.region`]: store.region ?? "us-east-1",
    [`${h}.path.style.access`]: String(!store.virtualHostStyle),
    [`${h}.connection.ssl.enabled`]: String(tls),
    // Keys from the environment (see above); for a probe bucket, from its per-bucket keys. Nothing else: the
    // instance-metadata provider of the default chain would ask 169.254.169.254 for credentials.
    [`${h}.aws.credentials.provider`]: [
      "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
      "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
    ].join(","),
    // S3Proxy's ETags are MD5s of the content and stay the same over a copy: change detection by ETag works.
    // Request checksums (the SDK's CRC32 trailers) stay off, as S3A 3.5 has them by default, so that any
    // S3-compatible store accepts the requests. Multipart uploads: S3A's defaults.
  };
  if (store.probes) {
    const unreachable = `${h}.bucket.${store.probes.unreachableBucket}`;
    Object.assign(conf, {
      [`${unreachable}.endpoint`]: UNREACHABLE_ENDPOINT,
      // Fail after one attempt instead of S3A's and the SDK's retries (minutes of back-off).
      [`${unreachable}.attempts.maximum`]: "1",
      [`${unreachable}.retry.limit`]: "1",
    });
    const bad = `${h}.bucket.${store.probes.badCredentialsBucket}`;
    // Not secrets: keys that no store knows.
    Object.assign(conf, { [`${bad}.access.key`]: "NOT-A-KEY-OF-THIS-STORE", [`${bad}.secret.key`]: "not-its-secret" });
  }
  const env = {
    AWS_ACCESS_KEY_ID: store.accessKey.reveal(),
    AWS_SECRET_ACCESS_KEY: store.secretKey.reveal(),
    // The SDK would otherwise ask the instance-metadata endpoint for a region or credentials it lacks.
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([store.endpoint, env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, conf]))
    .digest("hex")
    .slice(0, 16);
  return { conf, env, fingerprint };
}
