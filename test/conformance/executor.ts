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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  create,
  createFileRegistry,
  type DescField,
  type DescMessage,
  type FileRegistry,
  fromBinary,
  type MessageShape,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { Violation } from "@lakehouse-contracts/runtime/validate";
import ts from "typescript";
import { localTypeName } from "../../protoc-gen-lakehouse/src/emit/context.js";
import {
  FieldRulesSchema,
  MessageRulesSchema,
  OneofRulesSchema,
} from "../../protoc-gen-lakehouse/src/gen/buf/validate/validate_pb.js";
import { plugin } from "../../protoc-gen-lakehouse/src/index.js";
import { repoRoot } from "../../tools/lib/paths.js";

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
  fromJson(json: unknown): object;
  check(record: object): Violation[];
}

type Loaded = { ok: true; classes: Map<string, RecordClass> } | { ok: false; error: string };

/** Generates, transpiles and imports the record classes of every file in `registry` (except the rule protos). */
async function loadClasses(
  registry: FileRegistry,
  fdset: MessageShape<typeof FileDescriptorSetSchema>,
): Promise<Map<string, Loaded>> {
  const files = fdset.file
    .map((f) => f.name)
    .filter((name) => !name.startsWith("google/") && name !== "buf/validate/validate.proto");
  // Suites that share a descriptor set share one generation.
  const key = createHash("sha256").update(toBinary(FileDescriptorSetSchema, fdset)).digest("hex").slice(0, 16);
  // Keyed by the descriptor set only: `npm run conformance` and the test clear .cache/conformance/run first.
  const outDir = join(cacheDir, "run", key);
  const failedFile = join(outDir, "failed.json");
  const loaded = new Map<string, Loaded>();
  const failed = new Map<string, string>(
    existsSync(failedFile) ? (JSON.parse(readFileSync(failedFile, "utf8")) as [string, string][]) : [],
  );
  if (!existsSync(failedFile)) generateInto(outDir, files, fdset, failed);
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
          const cls = module[localTypeName(desc)];
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

/** Runs the plugin on `files` and writes the transpiled modules under `outDir`; files it rejects go to `failed`. */
function generateInto(
  outDir: string,
  files: readonly string[],
  fdset: MessageShape<typeof FileDescriptorSetSchema>,
  failed: Map<string, string>,
): void {
  const generated = new Map<string, string>();
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
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "failed.json"), JSON.stringify([...failed]));
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

/** The FieldPath of a rule path (`repeated.items.string.min_len`, `cel[0]`) from the rules message it starts at. */
function rulePath(root: DescMessage, path: string): unknown[] {
  const elements: unknown[] = [];
  let current: DescMessage | undefined = root;
  for (const seg of segments(path)) {
    const field: DescField | undefined = current?.fields.find((f) => f.name === seg.name);
    if (field === undefined) return elements;
    const element: Record<string, unknown> = {
      fieldNumber: field.number,
      fieldName: field.name,
      // Delimited (group) encoding: TYPE_GROUP = 10, as protovalidate reports it.
      fieldType: field.fieldKind === "message" && field.delimitedEncoding ? 10 : field.proto.type,
    };
    if (seg.subscript !== undefined) element.subscript = { case: "index", value: BigInt(seg.subscript) };
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
    record = cls.fromJson(toJson(desc, message, { registry }));
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
          ...(v.rule === "" ? {} : { rule: { elements: rulePath(ruleRoot(desc, v.path), v.rule) } }),
          ruleId: v.ruleId,
          message: v.message,
          ...(v.forKey === true ? { forKey: true } : {}),
        })),
      } as never),
    },
  };
}

await main();
