/**
 * The project's local Apache Spark Connect server with Delta Lake: provisioned from Maven Central (pinned in
 * tools/spark/pom.xml), cached under .cache/spark, started on 127.0.0.1 as a plain `java -cp` process, and stopped
 * by its own pid. Each named instance has its own port, warehouse, log and pid file, so a default server and a
 * token-protected one can run side by side.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { SparkSession } from "../../runtime/src/index.js";
import { NO_BACKOFF_RETRY_POLICY } from "../../runtime/src/spark/retry.js";
import { hasCommand, run } from "../lib/exec.js";
import { copyDependencies, sha256File } from "../lib/maven.js";
import { repoRoot, sparkDir } from "../lib/paths.js";
import { DELTA_VERSION, SPARK_VERSION } from "../protos/pins.js";
import { type ClusterOptions, masterUrlFor, startCluster, stopCluster, waitForExecutors } from "./cluster.js";
import { isAlive, JAVA_MODULE_OPTIONS, jarsDir, log4jConfig, logTail, readPid, spawnJava, stopRole } from "./jvm.js";
import { type SparkStoreSettings, s3aSettings } from "./s3a.js";

export { DELTA_VERSION, SPARK_VERSION };

const extensionSrc = join(repoRoot, "tools/spark/extension");
const extensionClasses = join(sparkDir, "extension-classes");
const EXTENSION_SOURCES = ["DeltaParameterForwardingExtension.java", "ParameterForwardingParser.java"].map((f) =>
  join(extensionSrc, "dev/lakehousecontracts/spark", f),
);
const pom = join(repoRoot, "tools/spark/pom.xml");

export interface InstanceOptions {
  /** Instance name: separate port, warehouse, pid and log. */
  name?: string;
  port?: number;
  /** Require a bearer token (`spark.connect.authenticate.token`); the token is kept in the instance folder. */
  auth?: boolean;
  /** Extra Spark configuration, e.g. `spark.connect.execute.reattachable.senderMaxStreamDuration`. */
  conf?: Record<string, string>;
  /** JVM heap, e.g. "4g". */
  memory?: string;
  /**
   * Cluster mode: a standalone master and workers (separate JVMs) with the Connect server as their driver, instead
   * of local mode. `true` means two workers of one core each.
   */
  cluster?: boolean | ClusterOptions;
  /**
   * An S3-compatible store for `s3a://` paths (e.g. tools/store's): its endpoint as S3A configuration, its
   * credentials through the environment of the server (and of the workers), never on a command line (tools/spark/s3a.ts).
   */
  store?: SparkStoreSettings;
  /** How long to wait for the first RPC to answer. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  name: string;
  pid: number;
  port: number;
  /** The sc:// remote to connect with (including the token for an auth instance). */
  remote: string;
  /** Whether this call started it (false: it was already running). */
  started: boolean;
  version: string;
  warehouse: string;
  /** In cluster mode, the standalone master's URL. */
  masterUrl?: string | undefined;
  /**
   * Whether the server runs with the store that `store` names (false when none was asked for, or when an instance
   * that was already running had been started without it or with another one: stop it to change that).
   */
  storeConfigured: boolean;
}

export class MissingPrerequisiteError extends Error {
  override readonly name = "MissingPrerequisiteError";
}

/** Java 17 or 21 (Spark 4.x's supported releases) must be on PATH. */
export function checkJava(): string {
  if (!hasCommand("java", "-version")) {
    throw new MissingPrerequisiteError(
      "Java is not installed: Spark 4.x needs Java 17 or 21 on PATH (e.g. apt-get install openjdk-17-jre-headless).",
    );
  }
  const out = spawnSync("java", ["-version"], { encoding: "utf8" });
  const text = `${out.stdout}${out.stderr}`;
  const major = Number(/version "(\d+)/.exec(text)?.[1] ?? 0);
  if (major < 17) {
    throw new MissingPrerequisiteError(
      `Java ${major || "of unknown version"} found, but Spark 4.x needs Java 17 or newer.`,
    );
  }
  return String(major);
}

function instanceDir(name: string): string {
  return join(sparkDir, "instances", name);
}

/** Resolve the pinned Spark + Delta jars (once; a changed pom re-provisions). */
export function provision(log: (line: string) => void = console.log): void {
  checkJava();
  const stampFile = join(sparkDir, "jars.stamp");
  const stamp = sha256File(pom);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp && existsSync(jarsDir)) return;
  if (!hasCommand("mvn")) {
    throw new MissingPrerequisiteError(
      "Maven (`mvn`) is needed once to fetch Spark and Delta jars from Maven Central (e.g. apt-get install maven).",
    );
  }
  log(
    `spark: fetching Apache Spark ${SPARK_VERSION}, Delta Lake ${DELTA_VERSION} and hadoop-aws from Maven Central (once, ~365 MB)…`,
  );
  // Resolve into a folder of its own, then bring the jars folder to exactly that set: servers that run from the old
  // set (their classpath is this folder) keep every jar they may still open, unless the new set drops it.
  const fresh = `${jarsDir}.new-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  copyDependencies(pom, fresh);
  mkdirSync(jarsDir, { recursive: true });
  const wanted = new Set(readdirSync(fresh));
  for (const jar of readdirSync(jarsDir)) if (!wanted.has(jar)) rmSync(join(jarsDir, jar), { force: true });
  for (const jar of wanted) if (!existsSync(join(jarsDir, jar))) renameSync(join(fresh, jar), join(jarsDir, jar));
  rmSync(fresh, { recursive: true, force: true });
  writeFileSync(stampFile, `${stamp}\n`);
  log(`spark: provisioned into ${jarsDir}`);
}

/** Compile our server extension (tools/spark/extension) against the provisioned jars; see its Javadoc for why. */
function compileExtension(): void {
  const stampFile = join(extensionClasses, ".stamp");
  const stamp = EXTENSION_SOURCES.map(sha256File).join(" ");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === stamp) return;
  if (!hasCommand("javac", "-version")) {
    throw new MissingPrerequisiteError(
      "javac (a JDK, not only a JRE) is needed to build the local server's extension (e.g. apt-get install openjdk-17-jdk-headless).",
    );
  }
  rmSync(extensionClasses, { recursive: true, force: true });
  mkdirSync(extensionClasses, { recursive: true });
  run("javac", ["-nowarn", "--release", "17", "-cp", join(jarsDir, "*"), "-d", extensionClasses, ...EXTENSION_SOURCES]);
  writeFileSync(stampFile, `${stamp}\n`);
}

const APP_NAME = "lakehouse-contracts-local";

function sparkConf(port: number, warehouse: string, extra: Record<string, string>): string[] {
  const conf: Record<string, string> = {
    "spark.master": "local[*]",
    "spark.app.name": APP_NAME,
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.connect.grpc.binding.port": String(port),
    "spark.sql.extensions":
      "io.delta.sql.DeltaSparkSessionExtension,dev.lakehousecontracts.spark.DeltaParameterForwardingExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.warehouse.dir": warehouse,
    "spark.log.structuredLogging.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    // Delta rebuilds table state with this many tasks (default 50); on a small local server that turns every
    // idempotent append (txnAppId/txnVersion reads the state) from ~1 s into ~7 s.
    "spark.databricks.delta.snapshotPartitions": "2",
    ...extra,
  };
  return Object.entries(conf).map(([k, v]) => `-D${k}=${v}`);
}

function remoteFor(port: number, token: string | undefined): string {
  return token ? `sc://127.0.0.1:${port}/;token=${token};use_ssl=false` : `sc://127.0.0.1:${port}`;
}

async function probe(remote: string): Promise<string | undefined> {
  let session: SparkSession | undefined;
  try {
    session = await SparkSession.connect(remote, { retryPolicy: { ...NO_BACKOFF_RETRY_POLICY, maxRetries: 0 } });
    return await session.version();
  } catch {
    return undefined;
  } finally {
    await session?.close();
  }
}

/** Start the instance, or reuse it when it already runs; resolves once a real RPC answers. */
export async function start(options: InstanceOptions = {}): Promise<RunningServer> {
  const name = options.name ?? (options.auth ? "auth" : "default");
  const port = options.port ?? (options.auth ? 15003 : 15002);
  const log = options.log ?? console.log;
  const dir = instanceDir(name);
  const warehouse = join(dir, "warehouse");
  mkdirSync(warehouse, { recursive: true });
  const tokenFile = join(dir, "token");
  let token: string | undefined;
  if (options.auth) {
    if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString("hex"), { mode: 0o600 });
    token = readFileSync(tokenFile, "utf8").trim();
  }
  const remote = remoteFor(port, token);

  const clusterOptions = options.cluster === true ? {} : options.cluster || undefined;
  const s3a = options.store ? s3aSettings(options.store) : undefined;
  // Which store a running server was started with (a fingerprint, no secret), to tell whether it has this one.
  const storeFile = join(dir, "store.fingerprint");
  const existing = readPid(dir, "server");
  if (existing !== undefined && isAlive(existing)) {
    const version = await probe(remote);
    const masterUrl = clusterOptions ? masterUrlFor(port) : undefined;
    const storeConfigured =
      s3a !== undefined && existsSync(storeFile) && readFileSync(storeFile, "utf8").trim() === s3a.fingerprint;
    if (version) {
      return { name, pid: existing, port, remote, started: false, version, warehouse, masterUrl, storeConfigured };
    }
    // Alive but not answering: probably still starting; fall through to the wait loop below.
  }

  let pid = existing !== undefined && isAlive(existing) ? existing : undefined;
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  if (pid === undefined) {
    provision(log);
    compileExtension();
    if (clusterOptions) cluster = await startCluster(dir, port, clusterOptions, extensionClasses, log, s3a?.env);
    rmSync(storeFile, { force: true });
    pid = spawnJava(
      dir,
      "server",
      [
        `-Xmx${options.memory ?? "4g"}`,
        ...JAVA_MODULE_OPTIONS,
        `-Dlog4j.configurationFile=${log4jConfig}`,
        ...sparkConf(port, warehouse, { ...cluster?.conf, ...s3a?.conf, ...options.conf }),
        "-cp",
        `${extensionClasses}:${join(jarsDir, "*")}`,
        "org.apache.spark.sql.connect.service.SparkConnectServer",
      ],
      // The token and the store's keys go through the environment, not the command line, so `ps` does not show them.
      { ...cluster?.env, ...s3a?.env, ...(token ? { SPARK_CONNECT_AUTHENTICATE_TOKEN: token } : {}) },
    );
    if (s3a) writeFileSync(storeFile, `${s3a.fingerprint}\n`);
    log(
      `spark: starting Spark Connect ${SPARK_VERSION} + Delta ${DELTA_VERSION} on 127.0.0.1:${port} (pid ${pid})${cluster ? ` as the driver of ${cluster.masterUrl}` : ""}…`,
    );
  }

  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new Error(
        `the Spark Connect server (instance "${name}") exited during start-up; its log ends:\n${logTail(dir, "server")}`,
      );
    }
    const version = await probe(remote);
    if (version) {
      // Ready only once the driver holds its executors: until then every job would wait for them.
      if (cluster) await waitForExecutors(cluster.masterUi, APP_NAME, cluster.workers, dir);
      const storeConfigured =
        s3a !== undefined && existsSync(storeFile) && readFileSync(storeFile, "utf8").trim() === s3a.fingerprint;
      return {
        name,
        pid,
        port,
        remote,
        started: true,
        version,
        warehouse,
        masterUrl: cluster?.masterUrl,
        storeConfigured,
      };
    }
    await delay(500);
  }
  throw new Error(
    `the Spark Connect server (instance "${name}") did not answer within the time limit; its log ends:\n${logTail(dir, "server")}`,
  );
}

/** Stop the instance by its own pid (TERM, then KILL after a grace period), and its master and workers if any. */
export async function stop(name = "default", log: (line: string) => void = console.log): Promise<boolean> {
  const dir = instanceDir(name);
  const pid = await stopRole(dir, "server");
  const roles = await stopCluster(dir);
  if (pid === undefined && roles.length === 0) return false;
  log(
    `spark: stopped instance "${name}"${pid === undefined ? "" : ` (pid ${pid})`}${roles.length ? ` and its ${roles.join(", ")}` : ""}`,
  );
  return true;
}

/** SIGKILL the instance (for crash tests); the pid file stays so `start` can tell it needs a fresh process. */
export function kill(name = "default"): boolean {
  const pid = readPid(instanceDir(name), "server");
  if (pid === undefined || !isAlive(pid)) return false;
  process.kill(pid, "SIGKILL");
  return true;
}

export async function status(name = "default"): Promise<{ running: boolean; pid?: number; version?: string }> {
  const pid = readPid(instanceDir(name), "server");
  if (pid === undefined || !isAlive(pid)) return { running: false };
  return { running: true, pid };
}
