/**
 * Vitest global setup for integration tests: use the server that SPARK_REMOTE names, or start the project's local
 * Spark Connect + Delta server (tools/spark) and stop it afterwards if this run started it. A server that cannot
 * be started fails the run: integration tests are never skipped. The local server gets the project's object store
 * (tools/store, started here too) for `s3a://` paths; tests find it as `inject("s3")` (test/setup/object-store.ts).
 */
import type { TestProject } from "vitest/node";
import { start, stop } from "../../tools/spark/server.js";
import {
  contextFor,
  provideStore,
  remoteStore,
  sparkStoreSettings,
  startTestStore,
  stopTestStore,
} from "./object-store.js";

declare module "vitest" {
  export interface ProvidedContext {
    sparkRemote: string;
    /** The local instance's warehouse folder, or "" when SPARK_REMOTE names a server of its own. */
    sparkWarehouse: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const remote = process.env.SPARK_REMOTE;
  if (remote) {
    project.provide("sparkRemote", remote);
    project.provide("sparkWarehouse", "");
    const { context, store } = await remoteStore();
    provideStore(project, context);
    return () => stopTestStore(store);
  }
  const store = await startTestStore();
  const server = await start({ store: sparkStoreSettings(store), log: (line) => console.log(line) });
  project.provide("sparkRemote", server.remote);
  project.provide("sparkWarehouse", server.warehouse);
  provideStore(project, contextFor(store, server));
  return async () => {
    if (server.started && !process.env.LAKEHOUSE_KEEP_SPARK) await stop(server.name);
    await stopTestStore(store);
  };
}
