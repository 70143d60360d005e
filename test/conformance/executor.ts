/**
 * protovalidate's conformance executor for our generated validators. The harness writes a TestConformanceRequest
 * (a FileDescriptorSet of case messages, and the cases as Any) to stdin; we run protoc-gen-lakehouse in-process on
 * that descriptor set, transpile and load what it emits, decode each case into its record class (binary → protobuf-es
 * message → proto3 JSON → `fromJson`), run the class's `check`, and write a TestConformanceResponse to stdout.
 *
 * The harness's own protos are read from .cache/conformance/harness.binpb (built from the Go module cache by
 * install-harness.sh), so no .proto file is copied into this repository.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  create,
  createFileRegistry,
  createRegistry,
  type DescExtension,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  isFieldSet,
  type Message,
  type MessageShape,
  type Registry,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { FieldType, RecordDescriptor } from "@lakehouse-contracts/runtime";
import type { Violation } from "@lakehouse-contracts/runtime/validate";
// The built plugin (`npm run build`), so that this file alone needs transpiling: conformance.test.ts runs it with
// plain node from .cache/conformance/executor.mjs, as deep in the repository as this file (the paths hold for both).
// The plugin itself is imported only when something must be generated (see loadClasses).
import {
  FieldRulesSchema,
  MessageRulesSchema,
  OneofRulesSchema,
} from "../../protoc-gen-lakehouse/dist/gen/buf/validate/validate_pb.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const cacheDir = join(repoRoot, ".cache/conformance");

/** The harness protocol's message descriptors. */
function harness(): { request: DescMessage; response: DescMessage; violations: DescMessage } {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(join(cacheDir, "harness.binpb")));
  const registry = createFileRegistry(set);
  const get = (name: string): DescMessage => {
    const desc = registry.getMessage(name);
    if (desc === undefined) throw new Error(`harness.binpb lacks ${name}`);
    return desc;
  };
  return {
    request: get("buf.validate.conformance.harness.TestConformanceRequest"),
    response: get("buf.validate.conformance.harness.TestConformanceResponse"),
    violations: get("buf.validate.Violations"),
  };
}

interface RecordClass {
  new (init: object): object;
  readonly descriptor: RecordDescriptor;
  fromJson(json: unknown): object;
  check(record: object): Violation[];
}

type Loaded = { ok: true; classes: Map<string, RecordClass> } | { ok: false; error: string };

/**
 * Generates, transpiles and imports the record classes of every file in `registry` (except the rule protos).
 * Generation is cached under .cache/conformance/run, keyed by the descriptor set and by the build of the plugin (and
 * this executor): the harness starts one executor per suite, and loading the plugin (protoplugin, TypeScript) costs
 * more than a suite, so a run with an unchanged plugin does not load it at all.
 */
async function loadClasses(
  registry: FileRegistry,
  fdset: MessageShape<typeof FileDescriptorSetSchema>,
): Promise<Map<string, Loaded>> {
  const files = fdset.file
    .map((f) => f.name)
    .filter((name) => !name.startsWith("google/") && name !== "buf/validate/validate.proto");
  const fingerprint = buildFingerprint();
  // The harness lists a suite's files in no fixed order: hash them sorted by name.
  const hash = createHash("sha256").update(fingerprint);
  for (const file of [...fdset.file].sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(toBinary(FileDescriptorProtoSchema, file));
  }
  const key = hash.digest("hex").slice(0, 16);
  const outDir = join(cacheDir, "run", key);
  const doneFile = join(outDir, "done.json");
  if (!existsSync(doneFile)) await generateInto(outDir, files, fdset, fingerprint);
  const done = JSON.parse(readFileSync(doneFile, "utf8")) as Generated;
  const failed = new Map(done.failed);
  const loaded = new Map<string, Loaded>();
  for (const name of files) {
    const error = failed.get(name);
    const base = name.replace(/\.proto$/, "");
    if (error !== undefined) {
      loaded.set(base, { ok: false, error });
      continue;
    }
    try {
      const module = (await import(pathToFileURL(join(outDir, `${base}_lakehouse.js`)).href)) as Record<
        string,
        RecordClass
      >;
      const classes = new Map<string, RecordClass>();
      const file = registry.getFile(name);
      if (file !== undefined) {
        for (const desc of allMessages(file.messages)) {
          const exported = done.exports[desc.typeName];
          const cls = exported === undefined ? undefined : module[exported];
          if (cls !== undefined) classes.set(desc.typeName, cls);
        }
      }
      loaded.set(base, { ok: true, classes });
    } catch (e) {
      loaded.set(base, { ok: false, error: (e as Error).message });
    }
  }
  return loaded;
}

/** What a generation leaves in its directory besides the modules: rejected files, and class names by type name. */
interface Generated {
  readonly fingerprint: string;
  readonly failed: [string, string][];
  readonly exports: Record<string, string>;
}

/** A hash of what generated code depends on besides the descriptor set: the built plugin and this executor. */
function buildFingerprint(): string {
  const hash = createHash("sha256").update(readFileSync(fileURLToPath(import.meta.url)));
  const dist = join(repoRoot, "protoc-gen-lakehouse/dist");
  const names = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
  for (const name of names.sort()) hash.update(name).update(readFileSync(join(dist, name)));
  return hash.digest("hex");
}

/**
 * Runs the plugin on `files` and writes the transpiled modules under `outDir`, then done.json; files it rejects are
 * listed there. Generations of an older build are removed.
 */
async function generateInto(
  outDir: string,
  files: readonly string[],
  fdset: MessageShape<typeof FileDescriptorSetSchema>,
  fingerprint: string,
): Promise<void> {
  pruneStale(dirname(outDir), fingerprint);
  const [{ plugin }, { localTypeName }, { default: ts }] = await Promise.all([
    import("../../protoc-gen-lakehouse/dist/index.js"),
    import("../../protoc-gen-lakehouse/dist/emit/context.js"),
    import("typescript"),
  ]);
  const generated = new Map<string, string>();
  const failed = new Map<string, string>();
  const generate = (names: string[]): void => {
    const response = plugin.run(
      create(CodeGeneratorRequestSchema, {
        fileToGenerate: names,
        parameter: "target=ts,import_extension=js,invalid_rules=throw",
        protoFile: fdset.file,
      }),
    );
    if (response.error !== undefined && response.error !== "") throw new Error(response.error);
    for (const file of response.file) generated.set(file.name, file.content);
  };
  try {
    generate([...files]);
  } catch {
    // One file the plugin cannot take must not fail the others: retry one by one.
    for (const name of files) {
      try {
        generate([name]);
      } catch (e) {
        failed.set(name, String((e as Error).stack ?? e));
      }
    }
  }
  for (const [name, source] of generated) {
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    const path = join(outDir, name.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, js);
  }
  const exports: Record<string, string> = {};
  const registry = createFileRegistry(fdset);
  for (const name of files) {
    const file = registry.getFile(name);
    for (const desc of allMessages(file?.messages ?? [])) exports[desc.typeName] = localTypeName(desc);
  }
  mkdirSync(outDir, { recursive: true });
  const done: Generated = { fingerprint, failed: [...failed], exports };
  writeFileSync(join(outDir, "done.json"), JSON.stringify(done));
}

/** Removes the generations of other builds, and unfinished ones (suites run one after another: none is in use). */
function pruneStale(runDir: string, fingerprint: string): void {
  if (!existsSync(runDir)) return;
  for (const entry of readdirSync(runDir)) {
    const done = join(runDir, entry, "done.json");
    const previous = existsSync(done) ? (JSON.parse(readFileSync(done, "utf8")) as Generated).fingerprint : undefined;
    if (previous !== fingerprint) rmSync(join(runDir, entry), { recursive: true, force: true });
  }
}

function allMessages(messages: readonly DescMessage[]): DescMessage[] {
  return messages.flatMap((m) => [m, ...allMessages(m.nestedMessages)]);
}

/** `items[2].sku` → segments; map keys keep their printed form. */
function segments(path: string): { name: string; subscript?: string }[] {
  const out: { name: string; subscript?: string }[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[("(?:[^"\\]|\\.)*"|[^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push({ name: m[1] });
    else if (m[2] !== undefined) {
      const last = out[out.length - 1];
      if (last !== undefined) last.subscript = m[2];
    }
  }
  return out;
}

/** The FieldPath of a violation's field path, walking the case message's descriptors. */
function fieldPath(message: DescMessage, path: string): unknown[] {
  const elements: unknown[] = [];
  let current: DescMessage | undefined = message;
  for (const seg of segments(path)) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === seg.name);
    if (field === undefined) {
      elements.push({ fieldName: seg.name });
      current = undefined;
      continue;
    }
    const element: Record<string, unknown> = {
      fieldNumber: field.number,
      fieldName: field.name,
      // Delimited (group) encoding: TYPE_GROUP = 10, as protovalidate reports it.
      fieldType: field.fieldKind === "message" && field.delimitedEncoding ? 10 : field.proto.type,
    };
    if (field.fieldKind === "map" && seg.subscript !== undefined) {
      // ScalarType numbers are FieldDescriptorProto.Type numbers; TYPE_ENUM = 14, TYPE_MESSAGE = 11.
      element.keyType = field.mapKey;
      element.valueType = field.mapKind === "scalar" ? field.scalar : field.mapKind === "enum" ? 14 : 11;
    }
    if (seg.subscript !== undefined) {
      const s = seg.subscript;
      let subscript: { case: string; value: unknown };
      if (field.fieldKind === "list") subscript = { case: "index", value: BigInt(s) };
      else if (s.startsWith('"')) subscript = { case: "stringKey", value: JSON.parse(s) };
      else if (s === "true" || s === "false") subscript = { case: "boolKey", value: s === "true" };
      else subscript = { case: isUnsignedKey(field) ? "uintKey" : "intKey", value: BigInt(s) };
      element.subscript = subscript;
    }
    elements.push(element);
    current =
      field.fieldKind === "message"
        ? field.message
        : field.fieldKind === "list" && field.listKind === "message"
          ? field.message
          : field.fieldKind === "map" && field.mapKind === "message"
            ? field.message
            : undefined;
  }
  return elements;
}

function isUnsignedKey(field: DescField): boolean {
  if (field.fieldKind !== "map") return false;
  const key: number = field.mapKey;
  // TYPE_UINT64 = 4, TYPE_UINT32 = 13, TYPE_FIXED64 = 6, TYPE_FIXED32 = 7
  return key === 4 || key === 13 || key === 6 || key === 7;
}

/**
 * The FieldPath of a rule path (`repeated.items.string.min_len`, `cel[0]`, `string.[pkg.my_rule]`) from the rules
 * message it starts at; a bracketed name is an extension (a predefined rule).
 */
function rulePath(registry: FileRegistry, root: DescMessage, path: string): unknown[] {
  const elements: unknown[] = [];
  let current: DescMessage | undefined = root;
  for (const m of path.matchAll(/\[([A-Za-z_][\w.]*)\]|([^.[\]]+)(?:\[(\d+)\])?/g)) {
    const extension = m[1] === undefined ? undefined : registry.getExtension(m[1]);
    const field: DescField | DescExtension | undefined =
      m[1] !== undefined ? extension : current?.fields.find((f) => f.name === m[2]);
    if (field === undefined) return elements;
    const element: Record<string, unknown> = {
      fieldNumber: field.number,
      fieldName: field.kind === "extension" ? `[${field.typeName}]` : field.name,
      // Delimited (group) encoding: TYPE_GROUP = 10, as protovalidate reports it.
      fieldType: field.fieldKind === "message" && field.delimitedEncoding ? 10 : field.proto.type,
    };
    if (m[3] !== undefined) element.subscript = { case: "index", value: BigInt(m[3]) };
    elements.push(element);
    current = field.message;
  }
  return elements;
}

function ruleRoot(message: DescMessage, path: string): DescMessage {
  const segs = segments(path);
  if (segs.length === 0) return MessageRulesSchema;
  let current: DescMessage | undefined = message;
  for (const [i, seg] of segs.entries()) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === seg.name);
    if (field === undefined)
      return i === segs.length - 1 && current?.oneofs.some((o) => o.name === seg.name)
        ? OneofRulesSchema
        : FieldRulesSchema;
    current = field.message;
  }
  return FieldRulesSchema;
}

async function main(): Promise<void> {
  const h = harness();
  const request = fromBinary(h.request, readFileSync(0)) as unknown as {
    fdset: MessageShape<typeof FileDescriptorSetSchema>;
    cases: Record<string, { typeUrl: string; value: Uint8Array }>;
  };
  const registry = createFileRegistry(request.fdset);
  const loaded = await loadClasses(registry, request.fdset);
  const results: Record<string, unknown> = {};
  for (const [name, any] of Object.entries(request.cases)) {
    try {
      results[name] = runCase(registry, loaded, any, h);
    } catch (e) {
      results[name] = { result: { case: "unexpectedError", value: String((e as Error).stack ?? e) } };
    }
  }
  const response = create(h.response, { results } as never);
  process.stdout.write(toBinary(h.response, response));
}

/**
 * The record of a case message: from its proto3 JSON (strict decoding, as a producer would), or, for recursive
 * messages, which the JSON decoder refuses (no recursive column types), built from the message's values directly.
 */
function recordOf(registry: FileRegistry, cls: RecordClass, desc: DescMessage, message: Message): object {
  const json = jsonOf(registry, desc, message);
  try {
    return cls.fromJson(json);
  } catch (e) {
    if (!/recursive message/.test((e as Error).message)) throw e;
    return new cls(initOf(registry, message, cls.descriptor));
  }
}

/** The init object of a record class from a protobuf-es message of the same type (the descriptor's field names). */
function initOf(registry: FileRegistry, message: Message, d: RecordDescriptor): Record<string, unknown> {
  const desc = registry.getMessage(d.typeName);
  if (desc === undefined) throw new Error(`unknown message ${d.typeName}`);
  const holder = message as unknown as Record<string, unknown>;
  const init: Record<string, unknown> = {};
  for (const field of d.fields) {
    const proto = desc.fields.find((f) => f.number === field.number);
    if (proto === undefined || !isFieldSet(message, proto)) continue;
    if (field.oneof !== undefined) {
      const union = holder[field.oneof] as { value: unknown };
      init[field.oneof] = { case: field.name, value: initValue(registry, union.value, field.type) };
    } else {
      init[field.name] = initValue(registry, holder[field.name], field.type);
    }
  }
  return init;
}

function initValue(registry: FileRegistry, raw: unknown, type: FieldType): unknown {
  const value = raw as Record<string, unknown>;
  switch (type.kind) {
    case "scalar":
      if (type.int64As === "string") return String(raw);
      if (type.int64As === "number") return Number(raw);
      return raw;
    case "enum":
      return type.enum.values.find((v) => v.number === raw)?.name ?? raw;
    case "message":
      return initOf(registry, raw as Message, type.record());
    case "timestamp":
      return new Date(Number(value.seconds) * 1000 + Math.floor(Number(value.nanos) / 1e6));
    case "duration": {
      const nanos = Number(value.nanos);
      if (nanos % 1000 !== 0) throw new Error("has nanoseconds; durations are stored in microseconds");
      return (value.seconds as bigint) * 1_000_000n + BigInt(nanos / 1000);
    }
    case "wrapper":
      // protobuf-es holds wrapper fields unboxed (`number | undefined`); list and map values stay boxed.
      return typeof raw === "object" && raw !== null && !(raw instanceof Uint8Array) ? value.value : raw;
    case "json": {
      const desc = registry.getMessage((raw as Message).$typeName);
      if (desc === undefined) throw new Error(`unknown message ${(raw as Message).$typeName}`);
      return jsonOf(registry, desc, raw as Message);
    }
    case "date":
      return [value.year, value.month, value.day].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, "0")).join("-");
    case "decimal":
      return typeof raw === "string" ? raw : value.value;
    case "list":
      return (raw as unknown[]).map((e) => initValue(registry, e, type.element));
    case "map":
      return new Map(
        Object.entries(value).map(([k, v]) => [mapKey(k, type.key), initValue(registry, v, type.value)] as const),
      );
  }
}

function mapKey(key: string, scalar: string): unknown {
  if (scalar === "string") return key;
  if (scalar === "bool") return key === "true";
  return /64$/.test(scalar) ? BigInt(key) : Number(key);
}

/**
 * The proto3 JSON of a case message. An Any of a type the descriptor set lacks (`type.googleapis.com/foo.Bar`) has no
 * JSON; records hold an Any as its JSON, so such a type is read as an empty message (only its type URL is validated).
 */
function jsonOf(registry: FileRegistry, desc: DescMessage, message: Message): unknown {
  let types: Registry = registry;
  for (let attempt = 0; ; attempt++) {
    try {
      return toJson(desc, message, { registry: types });
    } catch (e) {
      const unknown = /"(?:[^"/]*\/)?([^"/]+)" is not in the type registry/.exec((e as Error).message)?.[1];
      if (unknown === undefined || attempt > 8) throw e;
      const dot = unknown.lastIndexOf(".");
      const file = create(FileDescriptorProtoSchema, {
        name: `unknown/${unknown}.proto`,
        package: dot < 0 ? "" : unknown.slice(0, dot),
        syntax: "proto3",
        messageType: [{ name: unknown.slice(dot + 1) }],
      });
      types = createRegistry(
        types,
        createFileRegistry(file, () => undefined),
      );
    }
  }
}

function runCase(
  registry: FileRegistry,
  loaded: Map<string, Loaded>,
  any: { typeUrl: string; value: Uint8Array },
  h: ReturnType<typeof harness>,
): unknown {
  const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
  const desc = registry.getMessage(typeName);
  if (desc === undefined) return { result: { case: "unexpectedError", value: `unknown type ${typeName}` } };
  const file = loaded.get(desc.file.name);
  if (file === undefined || !file.ok) {
    return { result: { case: "compilationError", value: file?.ok === false ? file.error : "not generated" } };
  }
  const cls = file.classes.get(typeName);
  if (cls === undefined) return { result: { case: "unexpectedError", value: `no record class for ${typeName}` } };
  let record: object;
  try {
    const message = fromBinary(desc, any.value);
    record = recordOf(registry, cls, desc, message);
  } catch (e) {
    return { result: { case: "unexpectedError", value: `decode: ${(e as Error).message}` } };
  }
  let violations: Violation[];
  try {
    violations = cls.check(record);
  } catch (e) {
    const error = e as Error;
    const kind = error.name === "InvalidRulesError" ? "compilationError" : "runtimeError";
    return { result: { case: kind, value: error.message } };
  }
  if (violations.length === 0) return { result: { case: "success", value: true } };
  return {
    result: {
      case: "validationError",
      value: create(h.violations, {
        violations: violations.map((v) => ({
          ...(v.path === "" ? {} : { field: { elements: fieldPath(desc, v.path) } }),
          ...(v.rule === "" ? {} : { rule: { elements: rulePath(registry, ruleRoot(desc, v.path), v.rule) } }),
          ruleId: v.ruleId,
          message: v.message,
          ...(v.forKey === true ? { forKey: true } : {}),
        })),
      } as never),
    },
  };
}

await main();
