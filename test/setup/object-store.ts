/**
 * The object store of the integration and cluster tests (tools/store: S3Proxy on 127.0.0.1), shared by both
 * projects' global set-ups: started (or reused) before their Spark servers, which get it as their `s3a://` store,
 * and provided to the tests as `inject("s3")`.
 *
 * With SPARK_REMOTE (or SPARK_CLUSTER_REMOTE) the server is someone else's, and so is its store: set
 * LAKEHOUSE_STORE=<instance> when that server was started with `npm run spark -- start --store <instance>`, or
 * LAKEHOUSE_S3_ENDPOINT (+ LAKEHOUSE_S3_ACCESS_KEY, LAKEHOUSE_S3_SECRET_KEY, LAKEHOUSE_S3_BUCKET) for any other store
 * the server reaches. Without either, `s3` says the store is unavailable and `skip: true`: then, and only then, the
 * tests that need the store skip. When this project starts the server itself, they never skip: an unavailable
 * store fails them with the reason.
 */

import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
  DEFAULT_BUCKET,
  probeBuckets,
  type RunningStore,
  sparkStoreSettings,
  startStore,
  stopStore,
  storeInstanceDir,
} from "../../tools/store/server.js";

/** Bucket names that the project's servers are configured to fail on (tools/spark/s3a.ts `probes`). */
export interface S3Probes {
  /** Its endpoint is one nothing listens on. */
  unreachableBucket: string;
  /** Exists, but is read with keys the store does not know. */
  badCredentialsBucket: string;
  /** Does not exist. */
  missingBucket: string;
}

export type S3Context =
  | {
      available: true;
      /** e.g. http://127.0.0.1:15090, path-style. */
      endpoint: string;
      region: string;
      /** Exists; tests put their tables and files under a prefix of their own in it. */
      bucket: string;
      accessKey: string;
      secretKey: string;
      /** The store's log when it is a local instance (tools/store), else "". */
      storeLog: string;
      /** null when the server's settings for them are not known (a store named by LAKEHOUSE_S3_ENDPOINT). */
      probes: S3Probes | null;
    }
  | {
      available: false;
      reason: string;
      /** True only when the server is someone else's (SPARK_REMOTE): then the tests that need the store skip. */
      skip: boolean;
    };

declare module "vitest" {
  export interface ProvidedContext {
    s3: S3Context;
  }
}

export const TEST_STORE = "default";

export function contextOf(store: RunningStore): S3Context {
  return {
    available: true,
    endpoint: store.endpoint,
    region: store.region,
    bucket: store.bucket,
    accessKey: store.accessKey.reveal(),
    secretKey: store.secretKey.reveal(),
    storeLog: join(storeInstanceDir(store.name), "store.log"),
    probes: probeBuckets(store.bucket),
  };
}

/** Start (or reuse) a local store instance with the bucket and the probe buckets the server is configured for. */
export function startTestStore(name = TEST_STORE): Promise<RunningStore> {
  return startStore({
    name,
    buckets: [probeBuckets(DEFAULT_BUCKET).badCredentialsBucket],
    log: (line) => console.log(line),
  });
}

export { sparkStoreSettings };

/** Stop the store if this run started it (and LAKEHOUSE_KEEP_SPARK does not ask to keep the servers). */
export async function stopTestStore(store: RunningStore | undefined): Promise<void> {
  if (store?.started && !process.env.LAKEHOUSE_KEEP_SPARK) await stopStore(store.name);
}

/** The store of a server of one's own (SPARK_REMOTE): see the comment at the top. */
export async function remoteStore(): Promise<{ context: S3Context; store?: RunningStore }> {
  const instance = process.env.LAKEHOUSE_STORE;
  if (instance) {
    const store = await startTestStore(instance);
    return { context: contextOf(store), store };
  }
  const endpoint = process.env.LAKEHOUSE_S3_ENDPOINT;
  const accessKey = process.env.LAKEHOUSE_S3_ACCESS_KEY;
  const secretKey = process.env.LAKEHOUSE_S3_SECRET_KEY;
  if (endpoint && accessKey && secretKey) {
    return {
      context: {
        available: true,
        endpoint,
        region: process.env.LAKEHOUSE_S3_REGION ?? "us-east-1",
        bucket: process.env.LAKEHOUSE_S3_BUCKET ?? "lakehouse",
        accessKey,
        secretKey,
        storeLog: "",
        probes: null,
      },
    };
  }
  return {
    context: {
      available: false,
      skip: true,
      reason:
        "the Spark server is one of your own (SPARK_REMOTE): set LAKEHOUSE_STORE=<store instance> or LAKEHOUSE_S3_ENDPOINT, LAKEHOUSE_S3_ACCESS_KEY and LAKEHOUSE_S3_SECRET_KEY to name its object store",
    },
  };
}

/** What to provide when the project's own server may have been started earlier without this store. */
export function contextFor(store: RunningStore, server: { name: string; storeConfigured: boolean }): S3Context {
  if (server.storeConfigured) return contextOf(store);
  return {
    available: false,
    skip: false,
    reason: `the Spark instance "${server.name}" was already running, started without the object store ${store.endpoint} (or with another one): stop it (npm run spark -- stop --name ${server.name}) and run the tests again`,
  };
}

export function provideStore(project: TestProject, context: S3Context): void {
  project.provide("s3", context);
}
