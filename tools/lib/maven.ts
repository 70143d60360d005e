/**
 * Fetch a single artifact from Maven Central with the machine's own `mvn` (so mirrors and proxies configured for
 * Maven apply), and verify its SHA-256 against the pin committed in this repository.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hasCommand, run } from "./exec.js";

export interface PinnedArtifact {
  /** groupId:artifactId:version */
  coordinate: string;
  sha256: string;
}

export class ChecksumMismatchError extends Error {
  override readonly name = "ChecksumMismatchError";
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

export function requireMaven(): void {
  if (!hasCommand("mvn")) {
    throw new Error(
      "Maven (`mvn`) is required to fetch pinned artifacts from Maven Central; install it (e.g. apt-get install maven).",
    );
  }
}

/** Returns the path of the verified jar inside `outDir`. */
export function fetchPinnedJar(artifact: PinnedArtifact, outDir: string): string {
  const [groupId, artifactId, version] = artifact.coordinate.split(":");
  if (!groupId || !artifactId || !version) throw new Error(`bad Maven coordinate ${artifact.coordinate}`);
  const jar = join(outDir, `${artifactId}-${version}.jar`);
  if (!existsSync(jar)) {
    requireMaven();
    mkdirSync(outDir, { recursive: true });
    run("mvn", [
      "-B",
      "-q",
      "--strict-checksums",
      "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
      `-Dartifact=${artifact.coordinate}:jar`,
      `-DoutputDirectory=${outDir}`,
      "-Dmdep.overWriteReleases=true",
    ]);
  }
  const actual = sha256File(jar);
  if (actual !== artifact.sha256) {
    throw new ChecksumMismatchError(
      `${artifact.coordinate}: SHA-256 ${actual} does not match the pinned ${artifact.sha256}; delete ${jar} and retry, or update the pin deliberately`,
    );
  }
  return jar;
}

/** Resolve a pom's runtime classpath from Maven Central into `outDir` (created; checksums strict). */
export function copyDependencies(pom: string, outDir: string): void {
  run("mvn", [
    "-B",
    "-q",
    "--strict-checksums",
    "-f",
    pom,
    "dependency:copy-dependencies",
    "-DincludeScope=runtime",
    `-DoutputDirectory=${outDir}`,
  ]);
}
