/**
 * Wire-level agreement with `buf breaking` (the npm @bufbuild/buf 1.75.0 binary) and its WIRE_JSON category: for
 * every fixture pair, buf reports a breaking change exactly when review reports a breaking wire-level change.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, expect, test } from "vitest";
import { isWireChange } from "../../review/src/index.js";
import { buf } from "./plugin-harness.js";
import { allFixtures, casePackageDir, fixtureCases, reviewFixture } from "./review-harness.js";

const dir = mkdtempSync(join(tmpdir(), "lakehouse-review-buf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = JSON.stringify({ version: "v2", breaking: { use: ["WIRE_JSON"] } });

/** One `buf breaking` run over every case (each in its own package and folder): its findings by case. */
function bufFindingsByCase(): Map<string, string[]> {
  const all = allFixtures();
  const oldImage = join(dir, "old.binpb");
  const newImage = join(dir, "new.binpb");
  writeFileSync(oldImage, toBinary(FileDescriptorSetSchema, all.old));
  writeFileSync(newImage, toBinary(FileDescriptorSetSchema, all.new));
  const result = spawnSync(buf, [
    "breaking",
    newImage,
    "--against",
    oldImage,
    "--config",
    CONFIG,
    "--error-format",
    "json",
  ]);
  // Exit code 100: breaking changes found.
  if (result.status !== 0 && result.status !== 100) {
    throw new Error(`buf breaking failed (${result.status}): ${result.stderr}`);
  }
  const byCase = new Map<string, string[]>(fixtureCases.map((name) => [name, []]));
  for (const line of result.stdout.toString().split("\n")) {
    if (line.trim() === "") continue;
    const finding = JSON.parse(line) as { path: string; type: string; message: string };
    const name = fixtureCases.find((c) => finding.path.startsWith(`${casePackageDir(c)}/`));
    if (name === undefined) throw new Error(`buf finding outside the fixtures: ${line}`);
    byCase.get(name)?.push(`${finding.type}: ${finding.message}`);
  }
  return byCase;
}

const findings = bufFindingsByCase();

test.each(fixtureCases)("%s: buf breaking (WIRE_JSON) and review agree on wire-level breaks", (name) => {
  const bufFindings = findings.get(name) ?? [];
  const report = reviewFixture(name);
  const ours = report.changes.filter((c) => isWireChange(c.kind) && c.severity === "breaking");
  expect(ours.length > 0, `buf: ${bufFindings.join("\n")}\nours: ${ours.map((c) => c.text).join("\n")}`).toBe(
    bufFindings.length > 0,
  );
  // Where buf says breaking, the whole review says so too.
  if (bufFindings.length > 0) expect(report.verdict).toBe("breaking");
});

test("the cross-check sees buf's findings (it is not vacuous)", () => {
  expect([...findings.values()].filter((f) => f.length > 0).length).toBeGreaterThanOrEqual(8);
});
