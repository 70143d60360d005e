/** Well-known paths of the repository, resolved from this file so that scripts work from any cwd. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Gitignored cache for everything fetched at set-up time (protos, Spark jars, warehouse). */
export const cacheDir = process.env.LAKEHOUSE_CACHE_DIR ?? join(repoRoot, ".cache");
export const protosDir = join(cacheDir, "protos");
export const sparkDir = join(cacheDir, "spark");
/** The local S3-compatible object store (tools/store): its jars and instances. */
export const storeDir = join(cacheDir, "store");
