/**
 * The object store's plumbing without a server: what Spark is configured with for s3a:// (no credential in the
 * configuration or on a command line: they go through the environment) and the misconfigured stores that tests
 * use to check errors.
 */
import { describe, expect, test } from "vitest";
import { Secret } from "../../runtime/src/secret.js";
import { s3aSettings, UNREACHABLE_ENDPOINT } from "../../tools/spark/s3a.js";
import { misconfigured, probeBuckets, type RunningStore, sparkStoreSettings } from "../../tools/store/server.js";

const ACCESS = "LHA1B2C3D4E5F6A7B8C9";
const SECRET = "c2VjcmV0LW9mLXRoZS10ZXN0LXN0b3JlLTEyMzQ1";
const store: RunningStore = {
  name: "unit",
  endpoint: "http://127.0.0.1:15090",
  port: 15090,
  region: "us-east-1",
  bucket: "lakehouse",
  accessKey: new Secret(ACCESS),
  secretKey: new Secret(SECRET),
  pid: 1,
  dataDir: "/nowhere",
  started: false,
};

describe("s3aSettings", () => {
  const settings = s3aSettings(sparkStoreSettings(store));

  test("configures the endpoint path-style over plain HTTP, with a fixed region", () => {
    expect(settings.conf).toMatchObject({
      "spark.hadoop.fs.s3a.endpoint": "http://127.0.0.1:15090",
      "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
      "spark.hadoop.fs.s3a.path.style.access": "true",
      "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
      "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    });
    expect(settings.conf["spark.hadoop.fs.s3a.aws.credentials.provider"]).not.toMatch(/IAMInstance/);
  });

  test("keeps the credentials out of the configuration and hands them over in the environment", () => {
    const conf = JSON.stringify(settings.conf);
    expect(conf).not.toContain(ACCESS);
    expect(conf).not.toContain(SECRET);
    expect(settings.conf["spark.hadoop.fs.s3a.access.key"]).toBeUndefined();
    expect(settings.conf["spark.hadoop.fs.s3a.secret.key"]).toBeUndefined();
    expect(settings.env).toEqual({
      AWS_ACCESS_KEY_ID: ACCESS,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_EC2_METADATA_DISABLED: "true",
    });
    expect(settings.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(settings.fingerprint).not.toContain(SECRET.slice(0, 8));
  });

  test("the fingerprint changes with the endpoint and with the keys", () => {
    const other = (change: Partial<RunningStore>) =>
      s3aSettings(sparkStoreSettings({ ...store, ...change })).fingerprint;
    expect(other({})).toBe(settings.fingerprint);
    expect(other({ endpoint: "http://127.0.0.1:15091" })).not.toBe(settings.fingerprint);
    expect(other({ secretKey: new Secret("another") })).not.toBe(settings.fingerprint);
  });

  test("the probe buckets fail on purpose, by per-bucket settings", () => {
    const { unreachableBucket, badCredentialsBucket } = probeBuckets("lakehouse");
    expect(settings.conf[`spark.hadoop.fs.s3a.bucket.${unreachableBucket}.endpoint`]).toBe(UNREACHABLE_ENDPOINT);
    expect(settings.conf[`spark.hadoop.fs.s3a.bucket.${badCredentialsBucket}.access.key`]).toBeDefined();
    expect(settings.conf[`spark.hadoop.fs.s3a.bucket.${badCredentialsBucket}.secret.key`]).not.toBe(SECRET);
  });

  test("TLS and virtual-host addressing for real S3", () => {
    const aws = s3aSettings({
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      accessKey: new Secret(ACCESS),
      secretKey: new Secret(SECRET),
      region: "eu-west-1",
      virtualHostStyle: true,
    });
    expect(aws.conf).toMatchObject({
      "spark.hadoop.fs.s3a.connection.ssl.enabled": "true",
      "spark.hadoop.fs.s3a.path.style.access": "false",
      "spark.hadoop.fs.s3a.endpoint.region": "eu-west-1",
    });
    expect(Object.keys(aws.conf).some((k) => k.includes(".bucket."))).toBe(false);
  });
});

describe("misconfigured", () => {
  test("changes one thing each", () => {
    const good = { ...store };
    expect(misconfigured(good, "unreachable")).toMatchObject({ endpoint: UNREACHABLE_ENDPOINT, bucket: "lakehouse" });
    const bad = misconfigured(good, "bad-credentials");
    expect([bad.endpoint, bad.bucket]).toEqual([store.endpoint, "lakehouse"]);
    expect(bad.secretKey.reveal()).not.toBe(SECRET);
    expect(misconfigured(good, "missing-bucket")).toMatchObject({
      endpoint: store.endpoint,
      bucket: "lakehouse-missing",
    });
  });
});
