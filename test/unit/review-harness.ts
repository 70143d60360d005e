/**
 * Helpers for the review tests: the contract pairs under test/review-fixtures/<case>/{old,new}. Each case has its
 * own package (`review.<case>.v1`), so all old sides build as one contracts folder and all new sides as another:
 * two `buf build` runs instead of two per case. A case's pair is its files plus the dependencies.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, createFileRegistry } from "@bufbuild/protobuf";
import { type FileDescriptorSet, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import {
  buildImage,
  type ReviewReport,
  reviewContracts,
  type TableTarget,
  underLocation,
} from "../../review/src/index.js";
import { repoRoot } from "../../tools/lib/paths.js";
import { buf } from "./plugin-harness.js";

export const fixturesDir = join(repoRoot, "test/review-fixtures");

export const fixtureCases: readonly string[] = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

/** The folder of a case's files in its contracts: `review/<case>`. */
export const casePackageDir = (name: string): string => `review/${name.replaceAll("-", "_")}`;

export interface FixturePair {
  readonly old: FileDescriptorSet;
  readonly new: FileDescriptorSet;
}

let sides: { old: FileDescriptorSet; new: FileDescriptorSet } | undefined;

/** Every case's `side` as one contracts folder (symlinks), built with buf. */
function buildSide(side: "old" | "new"): FileDescriptorSet {
  const dir = mkdtempSync(join(tmpdir(), `lakehouse-review-${side}-`));
  try {
    mkdirSync(join(dir, "review"));
    for (const name of fixtureCases) {
      const pkg = casePackageDir(name);
      symlinkSync(join(fixturesDir, name, side, pkg), join(dir, pkg));
    }
    return buildImage({ kind: "directory", path: dir }, { contracts: join(repoRoot, "contracts"), buf });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One case's files (and the dependencies) of a side. */
function subset(set: FileDescriptorSet, name: string): FileDescriptorSet {
  const prefix = `${casePackageDir(name)}/`;
  return create(FileDescriptorSetSchema, {
    file: set.file.filter((f) => !f.name.startsWith("review/") || f.name.startsWith(prefix)),
  });
}

export function allFixtures(): { old: FileDescriptorSet; new: FileDescriptorSet } {
  sides ??= { old: buildSide("old"), new: buildSide("new") };
  return sides;
}

export function fixturePair(name: string): FixturePair {
  const all = allFixtures();
  return { old: subset(all.old, name), new: subset(all.new, name) };
}

/** The review of a case, with tables addressed under `/lake` as path-based Delta tables (or by `target`). */
export function reviewFixture(name: string, target: TableTarget = underLocation("/lake")): ReviewReport {
  const pair = fixturePair(name);
  return reviewContracts(createFileRegistry(pair.old), createFileRegistry(pair.new), { target });
}
