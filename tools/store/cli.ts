/**
 * `npm run store -- <command>`: manage the local S3-compatible object store (S3Proxy over a folder per bucket).
 *   provision                                 fetch the pinned S3Proxy jars into .cache/store (once)
 *   start [--name NAME] [--port N] [--bucket B]
 *                                             start (or reuse) an instance on 127.0.0.1, create the bucket, and wait
 *                                             until a signed listing of it answers
 *   stop [--name NAME]                        stop an instance by its pid
 *   status [--name NAME]
 * Credentials come from LAKEHOUSE_S3_ACCESS_KEY / LAKEHOUSE_S3_SECRET_KEY, or are generated and kept in
 * .cache/store/instances/<name>/credentials.json; they are never printed.
 */
import { parseArgs } from "node:util";
import { provisionStore, startStore, stopStore, storeStatus } from "./server.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    port: { type: "string" },
    bucket: { type: "string" },
  },
});

const command = positionals[0] ?? "status";
const name = values.name ?? "default";

try {
  switch (command) {
    case "provision":
      provisionStore();
      console.log("store: jars are ready");
      break;
    case "start": {
      const store = await startStore({
        name,
        ...(values.port ? { port: Number(values.port) } : {}),
        ...(values.bucket ? { bucket: values.bucket } : {}),
      });
      console.log(
        `store: ${store.started ? "started" : "already running"}: instance "${name}" at ${store.endpoint} (pid ${store.pid}), bucket "${store.bucket}", data in ${store.dataDir}`,
      );
      break;
    }
    case "stop":
      if (!(await stopStore(name))) console.log(`store: instance "${name}" is not running`);
      break;
    case "status": {
      const s = storeStatus(name);
      console.log(
        s.running
          ? `store: instance "${name}" is running at ${s.endpoint} (pid ${s.pid}), bucket "${s.bucket}"`
          : `store: instance "${name}" is not running`,
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
