/**
 * `npm run spark -- <command>`: manage the local Spark Connect + Delta server.
 *   provision                       fetch the pinned Spark and Delta jars into .cache/spark (once)
 *   start [--auth] [--port N] [--name NAME] [--conf k=v]… [--memory 4g] [--cluster [--workers 2]] [--store STORE]
 *                                   start (or reuse) an instance, wait until it answers; --cluster runs a standalone
 *                                   master and workers (separate JVMs) with the Connect server as their driver;
 *                                   --store starts (or reuses) the object store instance STORE (tools/store) and
 *                                   configures s3a:// for it
 *   stop [--name NAME] [--auth]     stop an instance by its pid
 *   status [--name NAME] [--auth]
 * The token of an --auth instance is never printed; it is kept in .cache/spark/instances/auth/token.
 */
import { parseArgs } from "node:util";
import { DEFAULT_BUCKET, probeBuckets, sparkStoreSettings, startStore } from "../store/server.js";
import { provision, start, status, stop } from "./server.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    auth: { type: "boolean", default: false },
    port: { type: "string" },
    name: { type: "string" },
    conf: { type: "string", multiple: true },
    memory: { type: "string" },
    cluster: { type: "boolean", default: false },
    workers: { type: "string" },
    store: { type: "string" },
  },
});

const command = positionals[0] ?? "status";
const name = values.name ?? (values.auth ? "auth" : "default");

try {
  switch (command) {
    case "provision":
      provision();
      console.log("spark: jars are ready");
      break;
    case "start": {
      const conf = Object.fromEntries(
        (values.conf ?? []).map((kv) => {
          const eq = kv.indexOf("=");
          if (eq <= 0) throw new Error(`--conf expects key=value, got "${kv}"`);
          return [kv.slice(0, eq), kv.slice(eq + 1)];
        }),
      );
      const store = values.store
        ? await startStore({ name: values.store, buckets: [probeBuckets(DEFAULT_BUCKET).badCredentialsBucket] })
        : undefined;
      const server = await start({
        name,
        ...(store ? { store: sparkStoreSettings(store) } : {}),
        auth: values.auth,
        conf,
        ...(values.port ? { port: Number(values.port) } : {}),
        ...(values.memory ? { memory: values.memory } : {}),
        ...(values.cluster ? { cluster: values.workers ? { workers: Number(values.workers) } : true } : {}),
      });
      console.log(
        `spark: ${server.started ? "started" : "already running"}: Spark ${server.version} at sc://127.0.0.1:${server.port} (pid ${server.pid})${server.masterUrl ? `, driver of ${server.masterUrl}` : ""}${values.auth ? ", token required" : ""}${store && server.storeConfigured ? `, s3a:// on ${store.endpoint}` : ""}`,
      );
      if (store && !server.storeConfigured) {
        console.warn(`spark: instance "${name}" was already running without this store; stop it to add the store`);
      }
      break;
    }
    case "stop":
      if (!(await stop(name))) console.log(`spark: instance "${name}" is not running`);
      break;
    case "status": {
      const s = await status(name);
      console.log(
        s.running ? `spark: instance "${name}" is running (pid ${s.pid})` : `spark: instance "${name}" is not running`,
      );
      break;
    }
    default:
      throw new Error(`unknown command "${command}"; use provision, start, stop or status`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
