/**
 * Cluster mode of the local server: a Spark standalone master and workers, each a JVM of its own on 127.0.0.1 with
 * its own cores and memory, so that work really runs in executor JVMs (as on any cluster) and not inside the
 * Connect server's process as in local mode. The Connect server then runs as the driver attached to the master.
 *
 * Workers launch executors from `SPARK_HOME/jars`; `SPARK_HOME` is a folder under .cache/spark whose `jars` is the
 * provisioned classpath (Spark and Delta from tools/spark/pom.xml), so nothing beyond that pom is downloaded.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { sparkDir } from "../lib/paths.js";
import { SPARK_VERSION } from "../protos/pins.js";
import { isAlive, JAVA_MODULE_OPTIONS, jarsDir, log4jConfig, logTail, readPid, spawnJava, stopRole } from "./jvm.js";

export interface ClusterOptions {
  /** How many worker JVMs (default 2). */
  workers?: number;
  /** Cores each worker offers (default 1). */
  coresPerWorker?: number;
  /** Memory each worker offers to executors (default "1536m"); each executor takes `executorMemory`. */
  workerMemory?: string;
  executorMemory?: string;
}

export interface RunningCluster {
  masterUrl: string;
  /** The master's web UI (its `/json/` answers with workers and applications). */
  masterUi: string;
  workers: number;
  /** Spark configuration for the driver attached to this cluster. */
  conf: Record<string, string>;
  /** Environment for the driver (and the master and workers): where executors find the jars. */
  env: Record<string, string>;
}

const sparkHome = join(sparkDir, "home");

/** The master of the cluster behind a Connect server on `basePort` (its RPC port is `basePort + 1000`). */
export function masterUrlFor(basePort: number): string {
  return `spark://127.0.0.1:${basePort + 1000}`;
}
const WORKER_ROLES = (n: number) => Array.from({ length: n }, (_, i) => `worker-${i + 1}`);

/** A SPARK_HOME whose `jars` is the provisioned classpath: what a worker builds each executor's classpath from. */
function prepareSparkHome(): string {
  mkdirSync(sparkHome, { recursive: true });
  writeFileSync(join(sparkHome, "RELEASE"), `Spark ${SPARK_VERSION} (jars provisioned from tools/spark/pom.xml)\n`);
  if (!existsSync(join(sparkHome, "jars"))) symlinkSync(jarsDir, join(sparkHome, "jars"), "dir");
  return sparkHome;
}

interface MasterState {
  aliveworkers?: number;
  workers?: { state: string }[];
  activeapps?: { name: string; cores: number; state: string }[];
}

async function masterState(ui: string): Promise<MasterState | undefined> {
  try {
    const response = await fetch(`${ui}/json/`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? ((await response.json()) as MasterState) : undefined;
  } catch {
    return undefined;
  }
}

function daemonArgs(memory: string, mainClass: string, args: string[]): string[] {
  return [
    `-Xmx${memory}`,
    ...JAVA_MODULE_OPTIONS,
    `-Dlog4j.configurationFile=${log4jConfig}`,
    "-Dspark.log.structuredLogging.enabled=false",
    "-cp",
    join(jarsDir, "*"),
    mainClass,
    ...args,
  ];
}

/**
 * Start (or reuse) the master and workers of the instance in `dir`; resolves once every worker has registered.
 * Ports: the master listens on `basePort + 1000`, its web UI on `basePort + 1001`; workers pick free ports.
 */
export async function startCluster(
  dir: string,
  basePort: number,
  options: ClusterOptions,
  extraDriverClassPath: string,
  log: (line: string) => void,
  /** More environment for the workers, which their executors inherit (e.g. an object store's credentials). */
  workerEnv: Record<string, string> = {},
): Promise<RunningCluster> {
  const workers = options.workers ?? 2;
  const cores = options.coresPerWorker ?? 1;
  const masterPort = basePort + 1000;
  const uiPort = basePort + 1001;
  const masterUrl = masterUrlFor(basePort);
  const masterUi = `http://127.0.0.1:${uiPort}`;
  const env = { SPARK_HOME: prepareSparkHome(), SPARK_SCALA_VERSION: "2.13" };

  const master = readPid(dir, "master");
  if (master === undefined || !isAlive(master)) {
    spawnJava(
      dir,
      "master",
      daemonArgs("512m", "org.apache.spark.deploy.master.Master", [
        "--host",
        "127.0.0.1",
        "--port",
        String(masterPort),
        "--webui-port",
        String(uiPort),
      ]),
      env,
    );
  }
  for (const role of WORKER_ROLES(workers)) {
    const pid = readPid(dir, role);
    if (pid !== undefined && isAlive(pid)) continue;
    const workDir = join(dir, role);
    mkdirSync(workDir, { recursive: true });
    spawnJava(
      dir,
      role,
      daemonArgs("512m", "org.apache.spark.deploy.worker.Worker", [
        "--host",
        "127.0.0.1",
        "--cores",
        String(cores),
        "--memory",
        options.workerMemory ?? "1536m",
        "--webui-port",
        "0",
        "--work-dir",
        workDir,
        masterUrl,
      ]),
      { ...env, ...workerEnv },
    );
  }
  log(`spark: standalone master at ${masterUrl} with ${workers} workers × ${cores} core(s); waiting for them…`);

  const deadline = Date.now() + 180_000;
  for (;;) {
    for (const role of ["master", ...WORKER_ROLES(workers)]) {
      const pid = readPid(dir, role);
      if (pid === undefined || !isAlive(pid)) {
        throw new Error(`the Spark ${role} exited during start-up; its log ends:\n${logTail(dir, role)}`);
      }
    }
    const state = await masterState(masterUi);
    const alive = state?.workers?.filter((w) => w.state === "ALIVE").length ?? 0;
    if (alive >= workers) break;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${alive} of ${workers} Spark workers registered in time; the master's log ends:\n${logTail(dir, "master")}`,
      );
    }
    await delay(500);
  }
  return {
    masterUrl,
    masterUi,
    workers,
    env,
    conf: {
      "spark.master": masterUrl,
      "spark.executor.cores": String(cores),
      "spark.executor.memory": options.executorMemory ?? "1g",
      "spark.cores.max": String(workers * cores),
      // Our parser extension is only needed by the driver, but the class must load wherever the session conf is read.
      "spark.executor.extraClassPath": extraDriverClassPath,
    },
  };
}

/** Wait until the application named `appName` holds executors with `cores` cores in total. */
export async function waitForExecutors(masterUi: string, appName: string, cores: number, dir: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const app = (await masterState(masterUi))?.activeapps?.find((a) => a.name === appName);
    if (app && app.cores >= cores) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the Spark application got ${app?.cores ?? 0} of ${cores} executor cores in time; the master's log ends:\n${logTail(dir, "master")}`,
      );
    }
    await delay(500);
  }
}

/** Stop the workers (and so their executors), then the master; returns the roles that were running. */
export async function stopCluster(dir: string, workers = 8): Promise<string[]> {
  const stopped: string[] = [];
  for (const role of [...WORKER_ROLES(workers), "master"]) {
    if ((await stopRole(dir, role)) !== undefined) stopped.push(role);
  }
  return stopped;
}
