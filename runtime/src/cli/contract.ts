/**
 * `--contract`: the generated record class a command works with, as users have it.
 *
 * - `shop.v1.Order`: a message's full name, found in the code `buf generate` wrote: the `out` of the
 *   protoc-gen-lakehouse plugin (local or remote) in the buf.gen.yaml of the working directory or a parent, scanned
 *   for the `@generated from message shop.v1.Order` line above each class.
 * - `./gen/shop/v1/order_lakehouse.ts#Order`: a module and its export; the export may be left out when the module
 *   has one table. The `.ts` module as generated is loaded through jiti when the process has no TypeScript loader of
 *   its own (a `.js` path whose file is missing falls back to the `.ts` beside it, as TypeScript resolves imports);
 *   a compiled `.js` is imported as it is.
 *
 * Each mistake is an `InvalidArgumentError` of one line starting `--contract:` that says what to do.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidArgumentError, isInvalidArgumentError } from "../errors.js";
import type { JsonDecodeError } from "../records/errors.js";
import type { RecordClass } from "../tables/record-class.js";

export interface CliRecordClass<T extends object = object> extends RecordClass<T> {
  safeFromJson(json: unknown): { ok: true; value: T } | { ok: false; error: JsonDecodeError };
  prototype: T;
}

/** A generated record class found in the generated code, by the message it was generated from. */
export interface GeneratedMessage {
  /** `shop.v1.Order` */
  readonly typeName: string;
  /** The generated module (absolute path). */
  readonly file: string;
  /** Its export: `Order`, `Order_Line`. */
  readonly exportName: string;
}

const SCRIPT = /\.(?:[cm]?[jt]s|tsx)$/;
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

function fail(message: string, cause?: unknown): never {
  throw new InvalidArgumentError(`--contract: ${message}`, cause === undefined ? undefined : { cause });
}

/** A path to show: relative to the working directory when it is below it. */
function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") || rel === "" ? path : `.${sep}${rel}`;
}

/** Whether `spec` names a message (`shop.v1.Order`) rather than a module. */
export function isMessageName(spec: string): boolean {
  return /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(spec) && !SCRIPT.test(spec);
}

export async function loadContract(spec: string, cwd: string = process.cwd()): Promise<CliRecordClass> {
  if (isMessageName(spec)) {
    const found = await findMessage(spec, cwd);
    return pick(await importModule(found.file, cwd), found.exportName, found.file, cwd);
  }
  const hash = spec.lastIndexOf("#");
  const path = hash < 0 ? spec : spec.slice(0, hash);
  const name = hash < 0 ? undefined : spec.slice(hash + 1);
  if (path === "" || name === "") {
    fail("expected a message name (shop.v1.Order) or a module and its export (./gen/shop/v1/order_lakehouse.ts#Order)");
  }
  return pick(await importModule(moduleFile(path, cwd), cwd), name, moduleFile(path, cwd), cwd);
}

/** The file a module path names: as given, or the `.ts` beside a missing `.js` (what `import_extension=js` writes). */
function moduleFile(path: string, cwd: string): string {
  const file = resolve(cwd, path);
  if (existsSync(file)) return file;
  const ts = file.replace(/\.([cm]?)js$/, ".$1ts");
  if (ts !== file && existsSync(ts)) return ts;
  return fail(`cannot find ${path} (in ${cwd})`);
}

function isRecordClass(value: unknown): value is CliRecordClass {
  const shape = value as { descriptor?: { typeName?: unknown }; safeFromJson?: unknown; fromArrow?: unknown };
  return (
    typeof value === "function" &&
    typeof shape.descriptor?.typeName === "string" &&
    typeof shape.safeFromJson === "function" &&
    typeof shape.fromArrow === "function"
  );
}

function pick(module: Record<string, unknown>, name: string | undefined, file: string, cwd: string): CliRecordClass {
  const classes = Object.entries(module).filter(([, v]) => isRecordClass(v)) as [string, CliRecordClass][];
  if (name !== undefined) {
    const candidate = module[name];
    if (isRecordClass(candidate)) return candidate;
    const names = classes.map(([n]) => n);
    fail(
      `${shownPath(file, cwd)} exports no record class named ${name}; ${names.length === 0 ? "it exports none" : `it exports ${names.join(", ")}`}`,
    );
  }
  const tables = classes.filter(([, c]) => c.descriptor.table !== undefined);
  const [only] = tables;
  if (tables.length === 1 && only) return only[1];
  fail(
    `${shownPath(file, cwd)} has ${tables.length === 0 ? "no table class" : `${tables.length} table classes (${tables.map(([n]) => n).join(", ")})`}: name one, ${shownPath(file, cwd)}#${tables[0]?.[0] ?? classes[0]?.[0] ?? "Name"}`,
  );
}

/** Node's codes for a module it cannot run without a TypeScript loader. */
function needsLoader(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    code === "ERR_UNKNOWN_FILE_EXTENSION" ||
    code === "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX" ||
    code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING" ||
    code === "ERR_INVALID_TYPESCRIPT_SYNTAX"
  ) {
    return true;
  }
  // Node with type stripping runs the .ts itself, then misses the `./x.js` it imports (written for a compiler).
  if (code === "ERR_MODULE_NOT_FOUND" && typeof message === "string") {
    const missing = /Cannot find module '([^']+\.[cm]?js)'/.exec(message)?.[1];
    if (missing?.startsWith("/") && existsSync(missing.replace(/js$/, "ts"))) return true;
  }
  return false;
}

type Jiti = { import(id: string): Promise<unknown> };
let jiti: Jiti | undefined;

async function importModule(file: string, cwd: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    if (!needsLoader(error)) explain(error, file, cwd);
  }
  try {
    if (jiti === undefined) {
      let createJiti: typeof import("jiti").createJiti;
      try {
        ({ createJiti } = await import("jiti"));
      } catch (error) {
        fail(
          `loading a TypeScript contract (${shownPath(file, cwd)}) needs jiti, a dependency of @lakehouse-contracts/runtime: npm install jiti, or compile the generated code and pass the .js`,
          error,
        );
      }
      // Packages (the runtime among them) are imported natively, so the contract and the CLI share one runtime.
      jiti = createJiti(import.meta.url, { interopDefault: false, tryNative: false });
    }
    return (await jiti.import(file)) as Record<string, unknown>;
  } catch (error) {
    if (isInvalidArgumentError(error)) throw error;
    explain(error, file, cwd);
  }
}

/** A module that does not load: what to install, or the first line of why. */
function explain(error: unknown, file: string, cwd: string): never {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/.'][^/']*)/.exec(message)?.[1];
  if (missing !== undefined) {
    fail(
      `cannot load ${shownPath(file, cwd)}: it imports ${missing}, which is not installed where the file is: npm install ${missing} (in the project that holds it)`,
      error,
    );
  }
  fail(`cannot load ${shownPath(file, cwd)}: ${message.split("\n")[0]}`, error);
}

// ---------------------------------------------------------------------------------------------------------------
// Full names: buf.gen.yaml → the plugin's out → the generated files.

/** The first buf.gen.yaml (or .yml) in `cwd` or a parent. */
export function findBufGen(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of ["buf.gen.yaml", "buf.gen.yml"]) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The `out` folders of the protoc-gen-lakehouse plugins of a buf.gen.yaml (v1 or v2; local or remote). */
export async function lakehouseOuts(bufGen: string): Promise<string[]> {
  // Loaded only here: the other commands start without it.
  const { parse: parseYaml } = await import("yaml");
  let config: unknown;
  try {
    config = parseYaml(readFileSync(bufGen, "utf8"));
  } catch (error) {
    fail(`${bufGen} is not YAML: ${(error as Error).message.split("\n")[0]}`, error);
  }
  const plugins = (config as { plugins?: unknown } | null)?.plugins;
  const outs: string[] = [];
  for (const plugin of Array.isArray(plugins) ? plugins : []) {
    if (typeof plugin !== "object" || plugin === null) continue;
    const p = plugin as Record<string, unknown>;
    const id = [p.local, p.remote, p.plugin, p.name]
      .flat()
      .filter((v) => typeof v === "string")
      .join(" ");
    if (/lakehouse/i.test(id) && typeof p.out === "string") outs.push(resolve(dirname(bufGen), p.out));
  }
  return outs;
}

const MAX_SCAN_FILES = 20_000;
const GENERATED =
  /@generated from message ([\w.]+)\s*\n(?:\s*\*[^\n]*\n)*?\s*\*\/\s*\n\s*export (?:declare )?class (\w+)/g;

/** Every generated record class under the folders, by message; `.js` preferred to the `.ts` of the same name. */
export function scanGenerated(outs: readonly string[]): GeneratedMessage[] {
  const found = new Map<string, GeneratedMessage>();
  let files = 0;
  const visit = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (SCRIPT.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name) && ++files <= MAX_SCAN_FILES) {
        if (statSync(path).size > 16 * 1024 * 1024) continue;
        const text = readFileSync(path, "utf8");
        // Only the plugin's own output (protoc-gen-es writes the same JSDoc lines above its messages).
        if (!text.includes("@generated by protoc-gen-lakehouse") || !text.includes("@generated from message")) continue;
        for (const [, typeName = "", exportName = ""] of text.matchAll(GENERATED)) {
          const earlier = found.get(typeName);
          if (earlier === undefined || (TYPESCRIPT.test(earlier.file) && !TYPESCRIPT.test(path))) {
            found.set(typeName, { typeName, file: path, exportName });
          }
        }
      }
    }
  };
  for (const out of outs) visit(out);
  return [...found.values()].sort((a, b) => a.typeName.localeCompare(b.typeName));
}

/** The generated messages of the buf module in `cwd`, and where they were looked for. */
export async function generatedMessages(
  cwd: string,
): Promise<{ bufGen: string; outs: string[]; messages: GeneratedMessage[] }> {
  const bufGen = findBufGen(cwd);
  if (bufGen === undefined) {
    fail(
      `no buf.gen.yaml in ${cwd} or a parent folder; run from your buf module, or name the generated module: --contract ./gen/shop/v1/order_lakehouse.ts#Order`,
    );
  }
  const outs = await lakehouseOuts(bufGen);
  if (outs.length === 0) {
    fail(`${bufGen} runs no protoc-gen-lakehouse plugin (a plugin whose local or remote name has "lakehouse" in it)`);
  }
  return { bufGen, outs, messages: scanGenerated(outs) };
}

async function findMessage(typeName: string, cwd: string): Promise<GeneratedMessage> {
  const { bufGen, outs, messages } = await generatedMessages(cwd);
  const found = messages.find((m) => m.typeName === typeName);
  if (found) return found;
  const where = outs.map((o) => `${relative(cwd, o) || "."}${sep}`).join(", ");
  const names = messages.map((m) => m.typeName);
  const listed =
    names.length > 40 ? `${names.slice(0, 40).join(", ")} and ${names.length - 40} more` : names.join(", ");
  fail(
    `no message ${typeName} in ${where} (the out of protoc-gen-lakehouse in ${relative(cwd, bufGen) || bufGen}); ${
      names.length === 0 ? "no generated record classes there: run buf generate" : `it has ${listed}`
    }`,
  );
}

/** Loads a generated message's class (for `lakehouse contracts`). */
export async function loadGenerated(message: GeneratedMessage, cwd: string): Promise<CliRecordClass> {
  return pick(await importModule(message.file, cwd), message.exportName, message.file, cwd);
}

export { shownPath };
