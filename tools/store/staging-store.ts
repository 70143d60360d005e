/** The runtime's `ObjectStore` (`s3Store`) for a store instance of tools/store: what the soak and benches stage in. */
import { type ObjectStore, s3Store } from "../../runtime/src/index.js";
import type { RunningStore } from "./server.js";

export function objectStoreOf(store: RunningStore): Promise<ObjectStore> {
  return s3Store({
    bucket: store.bucket,
    endpoint: store.endpoint,
    region: store.region,
    accessKeyId: store.accessKey.reveal(),
    secretAccessKey: store.secretKey,
  });
}
