/**
 * The CLI's object storage for the bulk path: `--staging s3://bucket[/prefix]` (and `--staging-endpoint` for a store
 * that is not AWS's), with the credentials from the environment — AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the
 * names every S3 tool reads — never from flags, which end up in shell histories and process lists.
 */
import { Option } from "commander";
import { InvalidArgumentError } from "../errors.js";
import { Secret } from "../secret.js";
import { s3Store } from "../staging/object-store.js";
import type { StagingOptions } from "../tables/stager.js";

export interface StagingFlags {
  staging?: string;
  stagingEndpoint?: string;
}

export const stagingOption = () =>
  new Option(
    "--staging <s3-url>",
    "object storage for the bulk path, s3://bucket[/prefix] (credentials: $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY; " +
      "the server reads the files with s3a://, so it needs access to the bucket too)",
  );

export const stagingEndpointOption = () =>
  new Option(
    "--staging-endpoint <url>",
    "the S3 endpoint of a store that is not AWS's, e.g. http://127.0.0.1:9000 (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL)",
  );

/** The default prefix of staged files (the runtime's). */
const DEFAULT_PREFIX = "_lakehouse_staging";

/** `s3://bucket/prefix` (or `s3a://`) as the bucket and the key prefix. */
export function parseStagingUrl(text: string): { bucket: string; prefix: string } {
  const match = /^s3a?:\/\/([^/]+)(?:\/(.*))?$/.exec(text);
  if (match === null) {
    throw new InvalidArgumentError(`--staging must be s3://bucket or s3://bucket/prefix, not ${JSON.stringify(text)}`);
  }
  const bucket = match[1] as string;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new InvalidArgumentError(
      `--staging: ${JSON.stringify(bucket)} is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)`,
    );
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket, prefix: prefix === "" ? DEFAULT_PREFIX : prefix };
}

/** The staging of `flags`, or undefined without `--staging`; checked before anything connects. */
export async function stagingOf(
  flags: StagingFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<StagingOptions | undefined> {
  if (flags.staging === undefined) {
    if (flags.stagingEndpoint !== undefined) throw new InvalidArgumentError("--staging-endpoint needs --staging");
    return undefined;
  }
  const { bucket, prefix } = parseStagingUrl(flags.staging);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const missing = [
    ...(accessKeyId ? [] : ["AWS_ACCESS_KEY_ID"]),
    ...(secretAccessKey ? [] : ["AWS_SECRET_ACCESS_KEY"]),
  ];
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `--staging needs the store's credentials in the environment: set ${missing.join(" and ")}`,
    );
  }
  const endpoint = flags.stagingEndpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+(\/.*)?$/.test(endpoint)) {
    throw new InvalidArgumentError(
      `--staging-endpoint must be an http:// or https:// URL, not ${JSON.stringify(endpoint)}`,
    );
  }
  const store = await s3Store({
    bucket,
    endpoint,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    accessKeyId: accessKeyId as string,
    secretAccessKey: new Secret(secretAccessKey as string),
  });
  return { store, prefix };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--older-than`: a whole number of seconds, minutes, hours or days (`90s`, `30m`, `24h`, `7d`) in ms. */
export function parseAge(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text);
  if (match === null) {
    throw new InvalidArgumentError(
      `--older-than must be a number and s, m, h or d (like 24h), not ${JSON.stringify(text)}`,
    );
  }
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}
