/**
 * Vitest global setup for the `cluster` project: the same integration tests, run against the project's server in
 * cluster mode (a standalone master, two workers and their executors in JVMs of their own, the Connect server as
 * the driver), so that nothing here depends on local mode. SPARK_CLUSTER_REMOTE names a cluster-backed server of
 * one's own instead; its warehouse must then be a path every executor can write (set SPARK_CLUSTER_WAREHOUSE).
 * The project's cluster gets the object store (test/setup/object-store.ts) in the driver and the executors alike.
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

export const CLUSTER_INSTANCE = { name: "cluster", port: 15020 } as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const remote = process.env.SPARK_CLUSTER_REMOTE;
  if (remote) {
    project.provide("sparkRemote", remote);
    project.provide("sparkWarehouse", process.env.SPARK_CLUSTER_WAREHOUSE ?? "");
    const { context, store } = await remoteStore();
    provideStore(project, context);
    return () => stopTestStore(store);
  }
  const store = await startTestStore();
  const server = await start({
    ...CLUSTER_INSTANCE,
    cluster: true,
    store: sparkStoreSettings(store),
    log: (line) => console.log(line),
  });
  project.provide("sparkRemote", server.remote);
  project.provide("sparkWarehouse", server.warehouse);
  provideStore(project, contextFor(store, server));
  return async () => {
    if (server.started && !process.env.LAKEHOUSE_KEEP_SPARK) await stop(server.name);
    await stopTestStore(store);
  };
}
