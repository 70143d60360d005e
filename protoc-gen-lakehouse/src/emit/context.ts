/** What every emitter of one generated file shares: the file, and how to refer to runtime symbols and other records. */
import type { DescEnum, DescFile, DescMessage } from "@bufbuild/protobuf";
import { type GeneratedFile, type ImportSymbol, safeIdentifier } from "@bufbuild/protoplugin";
import { CODEGEN_SEAM } from "@lakehouse-contracts/schema";
import type { LakehouseOptions } from "../options.js";

/** The generated file of a proto file: `shop/v1/order.proto` → `shop/v1/order_lakehouse.ts`. */
export function generatedFileName(file: DescFile): string {
  return `${file.name}_lakehouse.ts`;
}

/** Name of a message's class or an enum's type: the name inside its package, nesting joined by `_` (as protobuf-es). */
export function localTypeName(desc: DescMessage | DescEnum): string {
  const pkg = desc.file.proto.package;
  const inPackage = pkg.length > 0 ? desc.typeName.slice(pkg.length + 1) : desc.typeName;
  return safeIdentifier(inPackage.replace(/\./g, "_"));
}

export class EmitContext {
  constructor(
    readonly f: GeneratedFile,
    readonly file: DescFile,
    readonly options: LakehouseOptions,
  ) {}

  /**
   * A function or type of the runtime's codegen seam (`@lakehouse-contracts/runtime/codegenv1`): the one module of the
   * runtime generated code imports, versioned, so that a file names the seam it was generated against.
   */
  runtime(name: string, typeOnly = false): ImportSymbol {
    return this.f.import(name, `${this.options.runtimePackage}/${CODEGEN_SEAM}`, typeOnly);
  }

  /** The class of a record message (imported when it is generated from another file). */
  classOf(desc: DescMessage): string | ImportSymbol {
    return this.ref(desc, localTypeName(desc), false);
  }

  /** The `<Name>Init` type of a record message. */
  initOf(desc: DescMessage): string | ImportSymbol {
    return this.ref(desc, `${localTypeName(desc)}Init`, true);
  }

  /** An enum: its string-literal union type and its `EnumDescriptor` constant share the name. */
  enumOf(desc: DescEnum): string | ImportSymbol {
    return this.ref(desc, localTypeName(desc), false);
  }

  private ref(desc: DescMessage | DescEnum, name: string, typeOnly: boolean): string | ImportSymbol {
    if (desc.file === this.file) return name;
    return this.f.import(name, `./${generatedFileName(desc.file).replace(/\.ts$/, ".js")}`, typeOnly);
  }
}
