/**
 * `npm run protos:generate [-- --out DIR]`: regenerate runtime/src/gen from Spark Connect's pinned protos.
 * With --out, writes under DIR instead (the regeneration test compares that with the committed files).
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { run } from "../lib/exec.js";
import { protosDir, repoRoot } from "../lib/paths.js";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const outBase = values.out ? resolve(values.out) : repoRoot;
rmSync(join(outBase, "runtime/src/gen"), { recursive: true, force: true });
run(
  join(repoRoot, "node_modules/.bin/buf"),
  [
    "generate",
    join(protosDir, "spark"),
    "--template",
    join(repoRoot, "tools/protos/buf.gen.spark.yaml"),
    "-o",
    outBase,
  ],
  { cwd: repoRoot },
);
