/**
 * protoc-gen-lakehouse as a library: the plugin (run it with `plugin.run(request)`), its options and errors, and the
 * contract catalogue it writes with `docs=CONTRACTS.md`. The model it generates from is `./model`.
 */
export { contractsMarkdown } from "./emit/docs.js";
export { formatProblem, GenerationError, type Problem, type ProblemLocation } from "./errors.js";
export { DEFAULT_RUNTIME_PACKAGE, type LakehouseOptions, parseLakehouseOptions } from "./options.js";
export { plugin } from "./plugin.js";
export { PLUGIN_VERSION } from "./version.js";
