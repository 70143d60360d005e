/**
 * `npm run protos:fetch`: extract the pinned third-party .proto sources into .cache/protos/<module>/ (gitignored).
 * Idempotent: a stamp file records the jar checksum each folder was extracted from.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../lib/exec.js";
import { fetchPinnedJar } from "../lib/maven.js";
import { cacheDir, protosDir } from "../lib/paths.js";
import { protoSources } from "./pins.js";

const STAMP = ".extracted-from";

for (const source of protoSources) {
  const dest = join(protosDir, source.module);
  const stamp = join(dest, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === `${source.coordinate} ${source.sha256}`) continue;

  const jar = fetchPinnedJar(source, join(cacheDir, "maven-artifacts"));
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const entries = run("jar", ["tf", jar])
    .split("\n")
    .filter((entry) => entry.startsWith(source.prefix) && entry.endsWith(".proto"));
  if (entries.length === 0) throw new Error(`${source.coordinate} carries no ${source.prefix}*.proto`);
  run("jar", ["xf", jar, ...entries], { cwd: dest });
  // Each folder is its own buf module, so it can be generated from or depended on by path.
  writeFileSync(join(dest, "buf.yaml"), "version: v2\n");
  writeFileSync(stamp, `${source.coordinate} ${source.sha256}\n`);
  const count = readdirSync(join(dest, source.prefix)).length;
  console.log(`protos: ${count} files from ${source.coordinate} -> ${dest}`);
}
