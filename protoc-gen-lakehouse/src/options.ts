/** The plugin's own parameters (`opt:` in buf.gen.yaml), next to protoplugin's standard ones (`target`, …). */
export interface LakehouseOptions {
  /** The package generated code imports the runtime from. */
  readonly runtimePackage: string;
  /**
   * What to do with a record whose validation rules are invalid: `error` (default) fails generation with the file,
   * message, field and reason; `throw` generates the record with a validator that throws that reason (for compiling
   * schemas only known at run time, such as protovalidate's conformance cases).
   */
  readonly invalidRules: "error" | "throw";
  /** `docs=CONTRACTS.md`: also emit a Markdown catalogue of the contracts under this name (see emit/docs.ts). */
  readonly docs?: string;
}

export const DEFAULT_RUNTIME_PACKAGE = "@lakehouse-contracts/runtime";

const KNOWN = ["runtime_package", "invalid_rules", "docs"] as const;

/**
 * Parses the parameters protoplugin leaves to the plugin. Unknown keys are errors (a typo must not silently fall
 * back to a default). protoplugin reports a thrown reason as `invalid option "key=value": <reason>`.
 */
export function parseLakehouseOptions(raw: readonly { key: string; value: string }[]): LakehouseOptions {
  let runtimePackage = DEFAULT_RUNTIME_PACKAGE;
  let invalidRules: "error" | "throw" = "error";
  let docs: string | undefined;
  for (const { key, value } of raw) {
    switch (key) {
      case "runtime_package":
        if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(\/[a-zA-Z0-9-._~]+)*$/.test(value)) {
          throw new Error(`expected an npm package name (or subpath), e.g. ${DEFAULT_RUNTIME_PACKAGE}`);
        }
        runtimePackage = value;
        break;
      case "invalid_rules":
        if (value !== "error" && value !== "throw") throw new Error("expected error or throw");
        invalidRules = value;
        break;
      case "docs":
        if (!/^[\w.-]+(\/[\w.-]+)*\.md$/.test(value) || value.split("/").includes("..")) {
          throw new Error("expected a relative Markdown file name, e.g. CONTRACTS.md");
        }
        docs = value;
        break;
      default:
        throw new Error(
          `unknown option; protoc-gen-lakehouse knows ${KNOWN.join(", ")}, and protoplugin's target, import_extension, js_import_style, keep_empty_files, ts_nocheck, elide_plugin_version`,
        );
    }
  }
  return { runtimePackage, invalidRules, ...(docs === undefined ? {} : { docs }) };
}
