/** The plugin's own parameters (`opt:` in buf.gen.yaml), next to protoplugin's standard ones (`target`, …). */
export interface LakehouseOptions {
  /** The package generated code imports the runtime from. */
  readonly runtimePackage: string;
}

export const DEFAULT_RUNTIME_PACKAGE = "@lakehouse-contracts/runtime";

const KNOWN = ["runtime_package"] as const;

/**
 * Parses the parameters protoplugin leaves to the plugin. Unknown keys are errors (a typo must not silently fall
 * back to a default). protoplugin reports a thrown reason as `invalid option "key=value": <reason>`.
 */
export function parseLakehouseOptions(raw: readonly { key: string; value: string }[]): LakehouseOptions {
  let runtimePackage = DEFAULT_RUNTIME_PACKAGE;
  for (const { key, value } of raw) {
    switch (key) {
      case "runtime_package":
        if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(\/[a-zA-Z0-9-._~]+)*$/.test(value)) {
          throw new Error(`expected an npm package name (or subpath), e.g. ${DEFAULT_RUNTIME_PACKAGE}`);
        }
        runtimePackage = value;
        break;
      default:
        throw new Error(
          `unknown option; protoc-gen-lakehouse knows ${KNOWN.join(", ")}, and protoplugin's target, import_extension, js_import_style, keep_empty_files, ts_nocheck, elide_plugin_version`,
        );
    }
  }
  return { runtimePackage };
}
