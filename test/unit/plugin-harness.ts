/**
 * Helpers for the plugin's tests: run buf with the built plugin on PATH (as `npx buf generate` does), and run the
 * plugin in-process on contracts written to a temporary buf workspace.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  CodeGeneratorRequestSchema,
  type CodeGeneratorResponse,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import { plugin } from "../../protoc-gen-lakehouse/src/index.js";
import { repoRoot } from "../../tools/lib/paths.js";

export const binDir = join(repoRoot, "node_modules/.bin");
export const buf = join(binDir, "buf");
export const optionsProtoDir = join(repoRoot, "protoc-gen-lakehouse/proto");
export const protovalidateProtoDir = join(repoRoot, ".cache/protos/protovalidate");

/** Runs a command with node_modules/.bin first on PATH; throws with its output when it fails. */
export function runWithBin(cmd: string, args: readonly string[], cwd = repoRoot): Buffer {
  const result = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}` },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with ${result.status}\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * A temporary buf workspace with `files` (path → .proto source) as one module and the plugin's options as another,
 * compiled with buf; `generate(path)` runs the plugin in-process on one of its files.
 */
export class ContractWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), "lakehouse-contracts-"));
  readonly image;

  constructor(files: Readonly<Record<string, string>>) {
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, "contracts", path)), { recursive: true });
      writeFileSync(join(this.dir, "contracts", path), source);
    }
    cpSync(optionsProtoDir, join(this.dir, "options"), { recursive: true });
    // protovalidate's validate.proto (fetched by `npm run protos:fetch`), so contracts can carry buf.validate rules.
    cpSync(protovalidateProtoDir, join(this.dir, "protovalidate"), { recursive: true });
    writeFileSync(
      join(this.dir, "buf.yaml"),
      "version: v2\nmodules:\n  - path: contracts\n  - path: options\n  - path: protovalidate\n",
    );
    const out = join(this.dir, "image.binpb");
    runWithBin(buf, ["build", "-o", out], this.dir);
    // A buf image is wire-compatible with FileDescriptorSet: files in dependency order, with source info.
    this.image = fromBinary(FileDescriptorSetSchema, readFileSync(out));
  }

  /** Runs the plugin's `run(request)` on `file`, as buf would with `parameter`. */
  generate(file: string, parameter = "target=ts"): CodeGeneratorResponse {
    const request = create(CodeGeneratorRequestSchema, {
      fileToGenerate: [file],
      parameter,
      protoFile: this.image.file,
      sourceFileDescriptors: this.image.file.filter((f) => f.name === file),
    });
    return plugin.run(request);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
