/**
 * protovalidate's conformance suite against our generated validators: the Go harness (installed into .cache by
 * install-harness.sh) drives executor.ts; every case must pass or be listed, with its reason, in
 * expected-failures.yaml. Needs `npm run build` (generated code imports the built runtime) and Go with access to the
 * Go module proxy for the first install.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { repoRoot } from "../../tools/lib/paths.js";

test("protovalidate conformance suite passes (expected failures listed)", () => {
  const install = spawnSync("sh", [join(repoRoot, "test/conformance/install-harness.sh")], { encoding: "utf8" });
  expect(install.status, install.stderr).toBe(0);
  // The executor reuses generated validators per descriptor set; start from the plugin as it is now.
  rmSync(join(repoRoot, ".cache/conformance/run"), { recursive: true, force: true });
  const run = spawnSync(
    join(repoRoot, ".cache/conformance/bin/protovalidate-conformance"),
    [
      "--strict_message",
      "--strict_error",
      "--timeout=600s",
      `--expected_failures=${join(repoRoot, "test/conformance/expected-failures.yaml")}`,
      "--",
      join(repoRoot, "node_modules/.bin/tsx"),
      join(repoRoot, "test/conformance/executor.ts"),
    ],
    { cwd: repoRoot, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  // The harness prints its results (and the closing `PASS (failed: 0, …)` line) to stderr.
  const output = `${run.stdout}${run.stderr}`.trim();
  const summary = output.split("\n").slice(-1)[0] ?? "";
  expect(run.status, output.slice(-4000)).toBe(0);
  expect(summary).toMatch(/^PASS/);
}, 900_000);
