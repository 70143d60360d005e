/**
 * The server every peer talks to: SPARK_REMOTE when set (the integration tests' server, or any other), else the
 * project's local Spark Connect + Delta server (tools/spark), started here and stopped at the end if we started it:
 * the "default" instance, or BENCH_INSTANCE=<name>:<port> (e.g. bench:15070) to keep out of a test run's way.
 */
import { DELTA_VERSION, SPARK_VERSION, start, stop } from "../tools/spark/server.js";

export interface BenchServer {
  readonly remote: string;
  readonly sparkVersion: string;
  /** The Delta version of the project's server; for a foreign server, what its pins say (reported as such). */
  readonly deltaVersion: string;
  /** The local server's JVM; undefined for a server SPARK_REMOTE names. */
  readonly pid?: number | undefined;
  release(): Promise<void>;
}

export async function acquireServer(log: (line: string) => void): Promise<BenchServer> {
  const remote = process.env.SPARK_REMOTE;
  if (remote) {
    return { remote, sparkVersion: SPARK_VERSION, deltaVersion: DELTA_VERSION, release: async () => {} };
  }
  const [name, port] = (process.env.BENCH_INSTANCE ?? "").split(":");
  const server = await start({ ...(name ? { name } : {}), ...(port ? { port: Number(port) } : {}), log });
  return {
    remote: server.remote,
    sparkVersion: server.version,
    deltaVersion: DELTA_VERSION,
    pid: server.pid,
    release: async () => {
      if (server.started) await stop(server.name, log);
    },
  };
}
