/**
 * protovalidate's conformance suite against our generated validators: the Go harness (installed into .cache by
 * install-harness.sh) drives executor.ts; every case must pass or be listed, with its reason, in
 * expected-failures.yaml. Needs `npm run build` (the executor runs the built plugin, and generated code imports the
 * built runtime) and Go with access to the Go module proxy for the first install.
 *
 * The harness starts the executor once per suite, so it runs here as plain JavaScript (executor.ts transpiled once
 * into .cache/conformance/executor.mjs, two directories deep like its source) rather than through tsx, and it keeps
 * generated validators in .cache/conformance/run, keyed by descriptor set and plugin build (see executor.ts).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { repoRoot } from "../../tools/lib/paths.js";

const cacheDir = join(repoRoot, ".cache/conformance");

/** executor.ts as an ES module; its imports are packages and built (`dist`) JavaScript only. */
function transpileExecutor(): string {
  const source = readFileSync(join(repoRoot, "test/conformance/executor.ts"), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
  const out = join(cacheDir, "executor.mjs");
  writeFileSync(out, js);
  return out;
}

test("protovalidate conformance suite passes (expected failures listed)", () => {
  const install = spawnSync("sh", [join(repoRoot, "test/conformance/install-harness.sh")], { encoding: "utf8" });
  expect(install.status, install.stderr).toBe(0);
  const run = spawnSync(
    join(cacheDir, "bin/protovalidate-conformance"),
    [
      "--strict_message",
      "--strict_error",
      "--timeout=600s",
      `--expected_failures=${join(repoRoot, "test/conformance/expected-failures.yaml")}`,
      "--",
      process.execPath,
      transpileExecutor(),
    ],
    { cwd: repoRoot, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  // The harness prints its results (and the closing `PASS (failed: 0, …)` line) to stderr.
  const output = `${run.stdout}${run.stderr}`.trim();
  const summary = output.split("\n").slice(-1)[0] ?? "";
  expect(run.status, output.slice(-4000)).toBe(0);
  expect(summary).toMatch(/^PASS/);
}, 900_000);
