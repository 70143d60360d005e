/**
 * protoc-gen-lakehouse: record contracts (.proto) → TypeScript record classes whose descriptors drive the runtime.
 * I/O-free: `plugin.run(request)` returns the response; bin/protoc-gen-lakehouse.js connects it to stdin/stdout.
 */
import type { DescFile } from "@bufbuild/protobuf";
import { createEcmaScriptPlugin, type Schema } from "@bufbuild/protoplugin";
import { EmitContext, generatedFileName } from "./emit/context.js";
import { contractsMarkdown } from "./emit/docs.js";
import { emitEnum } from "./emit/enum.js";
import { emitRecordClass } from "./emit/record-class.js";
import { GenerationError, type Problem } from "./errors.js";
import { buildRecord, messagesOf, type RecordModel } from "./model/record.js";
import { type LakehouseOptions, parseLakehouseOptions } from "./options.js";
import { PLUGIN_VERSION } from "./version.js";

export const plugin = createEcmaScriptPlugin({
  name: "protoc-gen-lakehouse",
  version: `v${PLUGIN_VERSION}`,
  parseOptions: parseLakehouseOptions,
  generateTs,
});

function generateTs(schema: Schema<LakehouseOptions>): void {
  // Check every file before printing any: a contract error anywhere fails the whole run, listing all problems.
  const problems: Problem[] = [];
  const models = schema.files.map((file) => ({ file, records: messagesOf(file).map((m) => buildRecord(m, problems)) }));
  if (problems.length > 0) throw new GenerationError(problems);
  // Validation rules are checked while validators are printed; a problem there still fails the whole run.
  for (const { file, records } of models) emitFile(schema, file, records, problems);
  if (problems.length > 0) throw new GenerationError(problems);
  if (schema.options.docs !== undefined) {
    // Printed verbatim: protoplugin adds no preamble to a file whose preamble is not requested.
    schema.generateFile(schema.options.docs).print(contractsMarkdown(schema.files).trimEnd());
  }
}

function emitFile(
  schema: Schema<LakehouseOptions>,
  file: DescFile,
  records: readonly RecordModel[],
  problems: Problem[],
): void {
  const f = schema.generateFile(generatedFileName(file));
  f.preamble(file);
  const ctx = new EmitContext(f, file, schema.options);
  for (const desc of schema.typesInFile(file)) {
    if (desc.kind === "enum") emitEnum(ctx, desc);
  }
  for (const record of records) emitRecordClass(ctx, record, problems);
}
