/** runtime/src/gen is our build's output from Spark's pinned protos: regenerating must give the same files. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { expect, test } from "vitest";
import { run } from "../../tools/lib/exec.js";
import { repoRoot } from "../../tools/lib/paths.js";

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

test("runtime/src/gen equals a fresh protoc-gen-es run over the pinned Spark Connect protos", () => {
  const out = mkdtempSync(join(tmpdir(), "spark-protos-"));
  try {
    run(join(repoRoot, "node_modules/.bin/tsx"), [
      join(repoRoot, "tools/protos/generate-spark-protos.ts"),
      "--out",
      out,
    ]);
    const committed = join(repoRoot, "runtime/src/gen");
    const fresh = join(out, "runtime/src/gen");
    expect(listFiles(fresh)).toEqual(listFiles(committed));
    for (const file of listFiles(committed)) {
      expect(readFileSync(join(fresh, file), "utf8"), file).toBe(readFileSync(join(committed, file), "utf8"));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
