/**
 * The packages' one-way flow, checked on the sources: the plugin's core is I/O-free (no file system, processes,
 * network or environment: only its bin may touch the world), its emitters know nothing of contract review, review
 * reaches the plugin only through the plugin's declared exports, and the runtime's CLI loads review (an optional
 * peer) lazily instead of the code generator.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../../tools/lib/paths.js";

/** Every .ts file below `dir` (relative to the repository), sorted. */
function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => relative(repoRoot, join(repoRoot, dir, f)))
    .sort();
}

/** The module specifiers a file imports or re-exports, static and dynamic (`import("…")`), type-only included. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(repoRoot, file), "utf8"), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** `file → specifiers` for the files of `dir` whose imports match `bad`. */
function offending(dir: string, bad: (specifier: string, file: string) => boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of sources(dir)) {
    const found = importsOf(file).filter((s) => bad(s, file));
    if (found.length > 0) out[file] = found;
  }
  return out;
}

/** Node built-ins that reach outside the process (files, processes, network, the host). */
const IO_MODULES = new Set([
  "fs",
  "fs/promises",
  "child_process",
  "os",
  "net",
  "tls",
  "http",
  "https",
  "http2",
  "dgram",
  "dns",
  "worker_threads",
  "cluster",
  "readline",
]);
const isIoModule = (specifier: string): boolean => IO_MODULES.has(specifier.replace(/^node:/, ""));

describe("protoc-gen-lakehouse/src", () => {
  test("the scan sees the plugin's sources (and would see an I/O import)", () => {
    expect(sources("protoc-gen-lakehouse/src")).toEqual(
      expect.arrayContaining(["protoc-gen-lakehouse/src/plugin.ts", "protoc-gen-lakehouse/src/emit/docs.ts"]),
    );
    expect(importsOf("review/src/contract-source.ts").filter(isIoModule)).toEqual([
      "node:child_process",
      "node:fs",
      "node:os",
    ]);
  });

  test("imports no file system, process, network or host module", () => {
    expect(offending("protoc-gen-lakehouse/src", isIoModule)).toEqual({});
  });

  test("uses no `process` (environment, argv, stdio, exit) and runs no command", () => {
    const used = sources("protoc-gen-lakehouse/src").filter((file) =>
      /\bprocess\s*\.|\b(spawn|spawnSync|execFile|execSync)\s*\(/.test(readFileSync(join(repoRoot, file), "utf8")),
    );
    expect(used).toEqual([]);
  });

  test("emit/ imports nothing of contract review", () => {
    expect(offending("protoc-gen-lakehouse/src/emit", (s) => /(^|[/@])review(\/|$)/.test(s))).toEqual({});
  });

  test("depends on neither review nor the runtime (they build on it, not the other way)", () => {
    expect(
      offending("protoc-gen-lakehouse/src", (s) => /^@lakehouse-contracts\/(review|runtime)(\/|$)/.test(s)),
    ).toEqual({});
    expect(offending("protoc-gen-lakehouse/src", (s) => s.startsWith("../../"))).toEqual({});
  });
});

describe("review/src", () => {
  test("reaches the plugin only through its declared exports, and nothing outside its own folder by path", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "protoc-gen-lakehouse/package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    const exported = new Set(
      Object.keys(manifest.exports).map((key) => `@lakehouse-contracts/protoc-gen-lakehouse${key.slice(1)}`),
    );
    expect(
      offending(
        "review/src",
        (s) => (s.startsWith("@lakehouse-contracts/protoc-gen-lakehouse") && !exported.has(s)) || s.startsWith("../"),
      ),
    ).toEqual({});
  });
});

describe("runtime/src", () => {
  test("does not import the code generator; only the review command imports review, lazily", () => {
    expect(offending("runtime/src", (s) => s.startsWith("@lakehouse-contracts/protoc-gen-lakehouse"))).toEqual({});
    expect(Object.keys(offending("runtime/src", (s) => s.startsWith("@lakehouse-contracts/review")))).toEqual([
      "runtime/src/cli/review.ts",
    ]);
    const text = readFileSync(join(repoRoot, "runtime/src/cli/review.ts"), "utf8");
    // Types may be named anywhere; the one value import is a dynamic import().
    const valueImports = [
      ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+"@lakehouse-contracts\/review"/gm),
    ];
    expect(valueImports).toEqual([]);
    expect(text).toMatch(/await import\("@lakehouse-contracts\/review"\)/);
  });

  test("declares review and the S3 client as optional peers, and the code generator not at all", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "runtime/package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    expect(manifest.peerDependencies).toEqual({
      "@lakehouse-contracts/review": "0.1.0",
      "@aws-sdk/client-s3": "^3.1175.0",
      "@aws-sdk/lib-storage": "^3.1175.0",
    });
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
      expect(manifest.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
    }
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain("@lakehouse-contracts/protoc-gen-lakehouse");
  });
});
