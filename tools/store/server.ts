/**
 * The project's local S3-compatible object store: S3Proxy (pinned in tools/store/pom.xml, from Maven Central) with
 * jclouds' `filesystem` backend (a bucket is a folder, an object a file), on 127.0.0.1, started as a plain
 * `java -cp` process and stopped by its own pid, like tools/spark. Each named instance has its own port, data
 * folder, credentials, log and pid file under .cache/store/instances/<name>.
 *
 * Credentials: LAKEHOUSE_S3_ACCESS_KEY / LAKEHOUSE_S3_SECRET_KEY when both are set, else generated once and kept in
 * the instance folder (mode 0600). They are `Secret`s here and never printed; S3Proxy reads them from its
 * properties file in the instance folder (0600), not from its command line.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Secret } from "../../runtime/src/secret.js";
import { hasCommand } from "../lib/exec.js";
import { ChecksumMismatchError, copyDependencies, sha256File } from "../lib/maven.js";
import { repoRoot, storeDir } from "../lib/paths.js";
import { isAlive, logTail, readPid, spawnJava, stopRole } from "../spark/jvm.js";
import { type SparkStoreSettings, UNREACHABLE_ENDPOINT } from "../spark/s3a.js";
import { createBucket, headBucket, listObjects, S3RequestError, type S3Settings } from "./s3.js";

export const S3PROXY_VERSION = "2.6.0";
/** SHA-256 of org.gaul:s3proxy:2.6.0's jar, checked after every provisioning. */
const S3PROXY_JAR_SHA256 = "2414908b114eb6ed449fb043edfbb48e53f944822ad4a214816cde206f235339";
export const DEFAULT_BUCKET = "lakehouse";
export const STORE_REGION = "us-east-1";
/** Port of the "default" instance unless `--port` says otherwise (others: a free port, kept across restarts). */
export const DEFAULT_STORE_PORT = 15090;

const pom = join(repoRoot, "tools/store/pom.xml");
const logbackConfig = join(repoRoot, "tools/store/logback.xml");
export const storeJarsDir = join(storeDir, "jars");
const ROLE = "store";

export interface StoreOptions {
  /** Instance name: separate port, data folder, credentials, pid and log. */
  name?: string;
  /** Default: the port this instance had last time if it is free, 15090 for "default", else a free port. */
  port?: number;
  /** Created at start when missing (default "lakehouse"). */
  bucket?: string;
  /** More buckets to create at start. */
  buckets?: readonly string[];
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningStore {
  name: string;
  /** http://127.0.0.1:<port> (path-style: `endpoint/bucket/key`). */
  endpoint: string;
  port: number;
  region: string;
  bucket: string;
  accessKey: Secret;
  secretKey: Secret;
  pid: number;
  /** The folder S3Proxy keeps buckets in (one sub-folder per bucket). */
  dataDir: string;
  /** Whether this call started it (false: it was already running). */
  started: boolean;
}

export class StoreStartError extends Error {
  override readonly name = "StoreStartError";
}

export function storeInstanceDir(name: string): string {
  return join(storeDir, "instances", name);
}

/** Resolve the pinned S3Proxy jars into .cache/store/jars (once; a changed pom re-provisions). */
export function provisionStore(log: (line: string) => void = console.log): void {
  const stampFile = join(storeDir, "jars.stamp");
  const stamp = sha256File(pom);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp && existsSync(storeJarsDir)) return;
  if (!hasCommand("mvn")) {
    throw new StoreStartError(
      "Maven (`mvn`) is needed once to fetch S3Proxy from Maven Central (e.g. apt-get install maven).",
    );
  }
  log(`store: fetching S3Proxy ${S3PROXY_VERSION} from Maven Central (once, ~45 MB)…`);
  const fresh = `${storeJarsDir}.new-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  copyDependencies(pom, fresh);
  const jar = join(fresh, `s3proxy-${S3PROXY_VERSION}.jar`);
  const actual = existsSync(jar) ? sha256File(jar) : "(missing)";
  if (actual !== S3PROXY_JAR_SHA256) {
    rmSync(fresh, { recursive: true, force: true });
    throw new ChecksumMismatchError(`s3proxy-${S3PROXY_VERSION}.jar: SHA-256 ${actual}, pinned ${S3PROXY_JAR_SHA256}`);
  }
  // Replace the jars of a store that is not running (a running one keeps its open files; only a restart sees these).
  rmSync(storeJarsDir, { recursive: true, force: true });
  renameSync(fresh, storeJarsDir);
  writeFileSync(stampFile, `${stamp}\n`);
  log(`store: provisioned into ${storeJarsDir} (${readdirSync(storeJarsDir).length} jars)`);
}

interface Credentials {
  accessKey: string;
  secretKey: string;
}

function credentialsFromEnv(): Credentials | undefined {
  const accessKey = process.env.LAKEHOUSE_S3_ACCESS_KEY;
  const secretKey = process.env.LAKEHOUSE_S3_SECRET_KEY;
  if (accessKey && secretKey) return { accessKey, secretKey };
  if (accessKey || secretKey) {
    throw new StoreStartError("set both LAKEHOUSE_S3_ACCESS_KEY and LAKEHOUSE_S3_SECRET_KEY, or neither");
  }
  return undefined;
}

/** From the environment when both variables are set, else the instance's own (generated once). */
function credentialsFor(dir: string): Credentials {
  const fromEnv = credentialsFromEnv();
  if (fromEnv) return fromEnv;
  const file = join(dir, "credentials.json");
  if (!existsSync(file)) {
    const generated: Credentials = {
      // The shapes of AWS keys: 20 upper-case letters and digits, 40 characters of base64.
      accessKey: `LH${randomBytes(16).toString("hex").toUpperCase().slice(0, 18)}`,
      secretKey: randomBytes(30).toString("base64"),
    };
    writeFileSync(file, JSON.stringify(generated), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, "utf8")) as Credentials;
}

interface InstanceState {
  port: number;
  bucket: string;
}

function readState(dir: string): InstanceState | undefined {
  const file = join(dir, "store.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as InstanceState) : undefined;
}

/** The credentials a running instance really uses: those in its properties file. */
function runningCredentials(dir: string): Credentials | undefined {
  const file = join(dir, "s3proxy.properties");
  if (!existsSync(file)) return undefined;
  const props = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.split(/=(.*)/s, 2) as [string, string])
      .filter(([k, v]) => k && v !== undefined),
  );
  const accessKey = props["s3proxy.identity"];
  const secretKey = props["s3proxy.credential"];
  return accessKey && secretKey ? { accessKey, secretKey } : undefined;
}

/** Resolves with `port` when nothing listens on it on 127.0.0.1, else (or for 0) with a free port. */
function portToUse(port: number, strict: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (strict) reject(new StoreStartError(`port ${port} on 127.0.0.1 is in use (${error.code})`));
      else resolve(portToUse(0, true));
    });
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : port));
    });
  });
}

/** Properties values are written as they are: S3Proxy's keys and a folder path have no `\`, newline or `=` issue. */
function propertiesFile(entries: Record<string, string>): string {
  for (const [k, v] of Object.entries(entries)) {
    if (/[\r\n\\]/.test(v)) throw new StoreStartError(`${k} must not contain a backslash or a line break`);
  }
  return `${Object.entries(entries)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

function settingsOf(endpoint: string, credentials: Credentials): S3Settings {
  return {
    endpoint,
    accessKey: new Secret(credentials.accessKey),
    secretKey: new Secret(credentials.secretKey),
    region: STORE_REGION,
  };
}

async function ensureBucket(settings: S3Settings, bucket: string): Promise<void> {
  try {
    await headBucket(settings, bucket, 5000);
  } catch (error) {
    if (!(error instanceof S3RequestError && error.status === 404)) throw error;
    await createBucket(settings, bucket);
  }
}

/** Start the instance, or reuse it when it already runs; resolves once a signed listing of the bucket answers. */
export async function startStore(options: StoreOptions = {}): Promise<RunningStore> {
  const name = options.name ?? "default";
  const log = options.log ?? console.log;
  const dir = storeInstanceDir(name);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  // Private: S3Proxy's filesystem backends serve a bucket folder that others may read as a public-read bucket.
  chmodSync(dir, 0o700);
  chmodSync(dataDir, 0o700);
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const state = readState(dir);

  let pid = readPid(dir, ROLE);
  let started = false;
  let port: number;
  let credentials: Credentials;
  if (pid !== undefined && isAlive(pid) && state) {
    port = state.port;
    if (options.port !== undefined && options.port !== port) {
      throw new StoreStartError(`store instance "${name}" already runs on port ${port}; stop it to move it`);
    }
    credentials = runningCredentials(dir) ?? credentialsFor(dir);
    const wanted = credentialsFromEnv();
    if (wanted && (wanted.accessKey !== credentials.accessKey || wanted.secretKey !== credentials.secretKey)) {
      throw new StoreStartError(
        `store instance "${name}" runs with other credentials than LAKEHOUSE_S3_ACCESS_KEY/LAKEHOUSE_S3_SECRET_KEY; stop it first`,
      );
    }
  } else {
    provisionStore(log);
    credentials = credentialsFor(dir);
    port =
      options.port !== undefined
        ? await portToUse(options.port, true)
        : await portToUse(state?.port ?? (name === "default" ? DEFAULT_STORE_PORT : 0), false);
    writeFileSync(
      join(dir, "s3proxy.properties"),
      propertiesFile({
        "s3proxy.endpoint": `http://127.0.0.1:${port}`,
        "s3proxy.authorization": "aws-v2-or-v4",
        // AWS SDKs (JS v3 since 3.729, Java 2.30+) send CRC32 checksums by default (`x-amz-checksum-*`,
        // `x-amz-sdk-checksum-algorithm`, aws-chunked bodies with trailers). S3Proxy 2.6.0 stores such bodies
        // correctly but answers 501 NotImplemented to those headers unless told to ignore them; it does not verify
        // the checksums.
        "s3proxy.ignore-unknown-headers": "true",
        "s3proxy.identity": credentials.accessKey,
        "s3proxy.credential": credentials.secretKey,
        // jclouds' `filesystem`, not S3Proxy's newer `filesystem-nio2` (which 2.6.0 recommends): nio2 answers a
        // HEAD of `dir` (no slash) with 200 when `dir/` holds objects, so S3A takes every directory for a file and
        // each rename by Hadoop's FileOutputCommitter (any Parquet write outside Delta) fails.
        "jclouds.provider": "filesystem",
        "jclouds.filesystem.basedir": dataDir,
      }),
      { mode: 0o600 },
    );
    chmodSync(join(dir, "s3proxy.properties"), 0o600);
    writeFileSync(join(dir, "store.json"), `${JSON.stringify({ port, bucket } satisfies InstanceState)}\n`);
    pid = spawnJava(dir, ROLE, [
      "-Xmx256m",
      `-Dlogback.configurationFile=${logbackConfig}`,
      "-cp",
      join(storeJarsDir, "*"),
      "org.gaul.s3proxy.Main",
      "--properties",
      join(dir, "s3proxy.properties"),
    ]);
    started = true;
    log(`store: starting S3Proxy ${S3PROXY_VERSION} on 127.0.0.1:${port} (pid ${pid}), data in ${dataDir}…`);
  }

  const endpoint = `http://127.0.0.1:${port}`;
  const settings = settingsOf(endpoint, credentials);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (pid === undefined || !isAlive(pid)) {
      throw new StoreStartError(
        `the object store (instance "${name}") exited during start-up; its log ends:\n${logTail(dir, ROLE)}`,
      );
    }
    try {
      for (const b of [bucket, ...(options.buckets ?? [])]) await ensureBucket(settings, b);
      await listObjects(settings, bucket, "", { maxKeys: 1, timeoutMs: 5000 });
      break;
    } catch (error) {
      // Refused or reset while S3Proxy starts: wait. An answer that is an S3 error is final.
      if (error instanceof S3RequestError) {
        throw new StoreStartError(`the object store (instance "${name}") on ${endpoint} refused us: ${error.message}`);
      }
      if (Date.now() > deadline) {
        throw new StoreStartError(
          `the object store (instance "${name}") did not answer in time; its log ends:\n${logTail(dir, ROLE)}`,
        );
      }
      await delay(250);
    }
  }
  return {
    name,
    endpoint,
    port,
    region: STORE_REGION,
    bucket,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    pid,
    dataDir,
    started,
  };
}

/** Stop the instance by its own pid (TERM, then KILL after a grace period); false when it was not running. */
export async function stopStore(name = "default", log: (line: string) => void = console.log): Promise<boolean> {
  const pid = await stopRole(storeInstanceDir(name), ROLE);
  if (pid === undefined) return false;
  log(`store: stopped instance "${name}" (pid ${pid})`);
  return true;
}

export interface StoreStatus {
  running: boolean;
  pid?: number;
  endpoint?: string;
  bucket?: string;
  dataDir?: string;
}

export function storeStatus(name = "default"): StoreStatus {
  const dir = storeInstanceDir(name);
  const pid = readPid(dir, ROLE);
  const state = readState(dir);
  if (pid === undefined || !isAlive(pid) || !state) return { running: false };
  return {
    running: true,
    pid,
    endpoint: `http://127.0.0.1:${state.port}`,
    bucket: state.bucket,
    dataDir: join(dir, "data"),
  };
}

/** How a store can be misconfigured, for tests of what a client reports before it commits anything. */
export type Misconfiguration = "unreachable" | "bad-credentials" | "missing-bucket";

/** Bucket names that the Spark server (started with `probes`) and `misconfigured` use for each case. */
export function probeBuckets(bucket: string): {
  unreachableBucket: string;
  badCredentialsBucket: string;
  missingBucket: string;
} {
  return {
    unreachableBucket: `${bucket}-unreachable`,
    badCredentialsBucket: `${bucket}-bad-credentials`,
    missingBucket: `${bucket}-missing`,
  };
}

/**
 * The store's settings turned wrong in one way: an endpoint nothing listens on, credentials the store does not
 * know, or a bucket that does not exist. The rest is as `store` has it.
 */
export function misconfigured(
  store: S3Settings & { bucket: string },
  kind: Misconfiguration,
): S3Settings & { bucket: string } {
  const good: S3Settings = {
    endpoint: store.endpoint,
    accessKey: store.accessKey,
    secretKey: store.secretKey,
    region: store.region ?? STORE_REGION,
  };
  switch (kind) {
    case "unreachable":
      return { ...good, endpoint: UNREACHABLE_ENDPOINT, bucket: store.bucket };
    case "bad-credentials":
      return {
        ...good,
        accessKey: new Secret("NOT-A-KEY-OF-THIS-STORE"),
        secretKey: new Secret("not-its-secret"),
        bucket: store.bucket,
      };
    case "missing-bucket":
      return { ...good, bucket: probeBuckets(store.bucket).missingBucket };
  }
}

/**
 * What `start({ store })` of tools/spark/server.ts needs to reach this store, with the probe buckets of
 * `probeBuckets` configured to fail (start the store with `buckets: [probeBuckets(bucket).badCredentialsBucket]`
 * so that the bad-credentials bucket exists and only the keys are wrong).
 */
export function sparkStoreSettings(store: RunningStore): SparkStoreSettings {
  const { unreachableBucket, badCredentialsBucket } = probeBuckets(store.bucket);
  return {
    endpoint: store.endpoint,
    accessKey: store.accessKey,
    secretKey: store.secretKey,
    region: store.region,
    probes: { unreachableBucket, badCredentialsBucket },
  };
}
