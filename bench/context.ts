/** What every section gets: the mode's sizes, one session on the shared server, and folders for its files. */
import type { SparkSession } from "@lakehouse-contracts/runtime";
import type { BenchConfig } from "./config.js";

export interface BenchContext {
  readonly config: BenchConfig;
  readonly remote: string;
  /** The pid of the server's JVM when it is the project's local server (for its heap), else undefined. */
  readonly serverPid?: number | undefined;
  readonly spark: SparkSession;
  /** Folder for this run's Delta tables (the server must see it: the server is local to this machine). */
  readonly tableDir: string;
  /** Folder for this run's other files (Arrow IPC files, generated contracts). */
  readonly workDir: string;
  log(line: string): void;
}
