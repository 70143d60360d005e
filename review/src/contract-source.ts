/**
 * Where a contract version comes from, and building it into a FileDescriptorSet with `buf build`:
 *
 * - an image file (`.binpb`, `.bin`, `.json` from `buf build -o`), read as is;
 * - a directory: another copy of the contracts folder (built inside the current buf workspace, so its imports of
 *   buf/validate and lakehouse/v1 resolve as they do now), or a buf workspace of its own (it has a buf.yaml);
 * - a git ref: the contracts folder at that commit (`git archive`), built the same way as a directory.
 *
 * Dependencies that are not committed (protovalidate's protos in .cache) come from the current workspace: a contract
 * change is reviewed against today's dependencies.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { createFileRegistry, type FileRegistry, fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { type FileDescriptorSet, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { ReviewError } from "./errors.js";

export type ContractSource =
  | { readonly kind: "image"; readonly path: string }
  | { readonly kind: "directory"; readonly path: string }
  | { readonly kind: "git"; readonly ref: string };

export interface BuildOptions {
  /** The contracts folder of the current workspace (a module of the buf workspace that holds its buf.yaml). */
  readonly contracts: string;
  /** The buf executable; default `buf` on PATH (node_modules/.bin when run through npx). */
  readonly buf?: string;
}

/** `--against` as a source: an existing file is an image, an existing directory a directory, else a git ref. */
export function parseContractSource(text: string): ContractSource {
  if (existsSync(text)) {
    return statSync(text).isDirectory()
      ? { kind: "directory", path: resolve(text) }
      : { kind: "image", path: resolve(text) };
  }
  if (/^[\w./@^~{}-]+$/.test(text) && !text.startsWith("-")) return { kind: "git", ref: text };
  throw new ReviewError("invalid-source", `"${text}" is not an image file, a directory or a git ref`);
}

/** The registry of a source (the current contracts when `source` is undefined). */
export function loadContracts(source: ContractSource | undefined, options: BuildOptions): FileRegistry {
  return createFileRegistry(buildImage(source, options));
}

/** The FileDescriptorSet (buf image) of a source (the current contracts when `source` is undefined). */
export function buildImage(source: ContractSource | undefined, options: BuildOptions): FileDescriptorSet {
  const contracts = resolve(options.contracts);
  if (source?.kind === "image") return imageOf(readFileSync(source.path), source.path);
  const workspace = workspaceOf(contracts);
  if (source === undefined) return build(options, workspace, relative(workspace, contracts));
  if (source.kind === "directory" && existsSync(join(source.path, "buf.yaml"))) return build(options, source.path, ".");
  const mirror = mkdtempSync(join(tmpdir(), "lakehouse-review-"));
  try {
    const module = relative(workspace, contracts);
    mirrorWorkspace(workspace, mirror, module);
    const target = join(mirror, module);
    mkdirSync(target, { recursive: true });
    if (source.kind === "directory") {
      copyTree(source.path, target);
    } else {
      extractGitTree(source.ref, contracts, target);
    }
    return build(options, mirror, module);
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
}

function imageOf(bytes: Uint8Array, what: string): FileDescriptorSet {
  try {
    const text = what.endsWith(".json") ? new TextDecoder().decode(bytes) : undefined;
    const set =
      text === undefined
        ? fromBinary(FileDescriptorSetSchema, bytes)
        : fromJsonString(FileDescriptorSetSchema, text, { ignoreUnknownFields: true });
    // Resolving every file now reports a broken set here, not at first use.
    createFileRegistry(set);
    return set;
  } catch (error) {
    throw new ReviewError("invalid-source", `${what} is not a buf image or FileDescriptorSet: ${String(error)}`, {
      cause: error,
    });
  }
}

/** The nearest folder above `contracts` (or itself) with a buf.yaml. */
function workspaceOf(contracts: string): string {
  for (let dir = dirname(contracts); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "buf.yaml"))) return dir;
    if (dirname(dir) === dir) break;
  }
  if (existsSync(join(contracts, "buf.yaml"))) return contracts;
  throw new ReviewError("invalid-source", `no buf.yaml in ${contracts} or above it`);
}

function build(options: BuildOptions, workspace: string, module: string): FileDescriptorSet {
  const out = mkdtempSync(join(tmpdir(), "lakehouse-review-image-"));
  try {
    const image = join(out, "image.binpb");
    run(options.buf ?? "buf", ["build", module, "-o", image], workspace, "build-failed");
    return imageOf(readFileSync(image), image);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * A copy of the workspace made of symlinks, except along `module`'s path, which stays empty for the other version
 * of the contracts (buf follows symlinks in local inputs).
 */
function mirrorWorkspace(workspace: string, mirror: string, module: string): void {
  const [head, ...rest] = module.split(sep);
  for (const entry of readdirSync(workspace)) {
    if (entry === head) continue;
    symlinkSync(join(workspace, entry), join(mirror, entry));
  }
  if (head !== undefined && rest.length > 0) {
    mkdirSync(join(mirror, head));
    mirrorWorkspace(join(workspace, head), join(mirror, head), rest.join(sep));
  }
}

function copyTree(from: string, to: string): void {
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    // statSync follows symlinks: a folder of links to other folders is copied like a plain one.
    const stat = statSync(source);
    if (stat.isDirectory()) {
      mkdirSync(target, { recursive: true });
      copyTree(source, target);
    } else if (stat.isFile() && entry.endsWith(".proto")) {
      symlinkSync(source, target);
    }
  }
}

/** `git archive <ref> -- <contracts>` unpacked into `target` (the folder's own content, not its path). */
function extractGitTree(ref: string, contracts: string, target: string): void {
  const top = run("git", ["rev-parse", "--show-toplevel"], contracts, "invalid-source").trim();
  const prefix = relative(top, contracts);
  const known = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: top });
  if (known.status !== 0) {
    throw new ReviewError("invalid-source", `"${ref}" is not an image file, a directory or a commit of ${top}`);
  }
  const tar = spawnSync("git", ["archive", "--format=tar", ref, "--", prefix], {
    cwd: top,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (tar.status !== 0) {
    throw new ReviewError("invalid-source", `git archive ${ref} -- ${prefix} failed: ${tar.stderr.toString()}`);
  }
  const depth = prefix === "" ? 0 : prefix.split(sep).length;
  const untar = spawnSync("tar", ["-x", "-C", target, `--strip-components=${depth}`], { input: tar.stdout });
  if (untar.status !== 0) throw new ReviewError("invalid-source", `tar failed: ${untar.stderr.toString()}`);
}

function run(cmd: string, args: readonly string[], cwd: string, code: "build-failed" | "invalid-source"): string {
  const result = spawnSync(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) {
    throw new ReviewError(code, `could not run ${cmd}: ${result.error.message}`, { cause: result.error });
  }
  if (result.status !== 0) {
    throw new ReviewError(code, `${cmd} ${args.join(" ")} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout.toString();
}
