/**
 * The contracts' protoc-gen-es code, generated into a temporary folder for the interop tests (records ↔ protobuf-es
 * messages): `buf generate` with protoc-gen-es over contracts/, imports included, the generated TypeScript loaded
 * with a link to our node_modules.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DescMessage } from "@bufbuild/protobuf";
import { repoRoot } from "../../tools/lib/paths.js";
import { buf, runWithBin } from "./plugin-harness.js";

export type EsModule = Record<string, unknown>;

export interface EsModules {
  readonly basic: EsModule;
  readonly checks: EsModule;
  readonly reservedNames: EsModule;
  readonly common: EsModule;
  readonly customer: EsModule;
  readonly order: EsModule;
  /** The folder the code is in (generate more into it, e.g. with another template). */
  readonly dir: string;
  /** Removes the folder. */
  remove(): void;
}

/** `buf generate` of contracts/ with protoc-gen-es into a new temporary folder; the modules loaded. */
export async function generateEsModules(): Promise<EsModules> {
  const dir = mkdtempSync(join(tmpdir(), "lakehouse-protoc-gen-es-"));
  linkNodeModules(dir);
  // include_imports: the contracts' imports (protovalidate's and our options) are imported by the generated code.
  const template = join(dir, "buf.gen.es.yaml");
  writeFileSync(
    template,
    [
      "version: v2",
      "inputs:",
      "  - directory: contracts",
      "plugins:",
      "  - local: protoc-gen-es",
      "    out: es",
      "    include_imports: true",
      "    opt:",
      "      - target=ts",
      "      - import_extension=js",
      "",
    ].join("\n"),
  );
  runWithBin(buf, ["generate", "--template", template, "-o", dir]);
  const load = async (path: string) => (await import(join(dir, "es", path))) as EsModule;
  return {
    basic: await load("lakehouse/test/v1/basic_pb.ts"),
    checks: await load("lakehouse/test/v1/checks_pb.ts"),
    reservedNames: await load("lakehouse/test/v1/reserved_names_pb.ts"),
    common: await load("shop/v1/common_pb.ts"),
    customer: await load("shop/v1/customer_pb.ts"),
    order: await load("shop/v1/order_pb.ts"),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Generated TypeScript outside the repository imports its packages through a link to our node_modules. */
export function linkNodeModules(dir: string): void {
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
}

/** The protoc-gen-es schema `<name>Schema` of a module. */
export function schemaOf(module: EsModule, name: string): DescMessage {
  const schema = module[`${name}Schema`];
  if (schema === undefined) throw new Error(`protoc-gen-es generated no ${name}Schema`);
  return schema as DescMessage;
}
