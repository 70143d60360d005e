/**
 * `@lakehouse-contracts/runtime/codegenv1`: the one module generated code imports from the runtime, as protoc-gen-es's
 * output imports `@bufbuild/protobuf/codegenv2`. Generated record classes extend its `record()` / `table()` bases
 * (every member that only hands the descriptor to the runtime), describe themselves with `describe(this, spec)`
 * (descriptors written without what can be derived), and call its helpers from their compiled validators.
 *
 * A versioned seam: code generated against `codegenv1` keeps working as long as this module keeps its shape. A change
 * to it (what a spec means, what the bases define, what a validator may call) is a new `codegenv2`, next to this one,
 * so that files generated before still run. Not for hand-written code: use the package's root and `/validate`.
 */
export type { JsonObject, JsonValue } from "@bufbuild/protobuf";
export { CODEGEN_SEAM, RECORD_INSTANCE_MEMBERS } from "@lakehouse-contracts/schema";
export type { EnumDescriptor, RecordDescriptor, TableDescriptor } from "../records/descriptor.js";
export { newIngestId } from "../records/ingest-id.js";
export { epochMicrosOf } from "../records/precise-timestamp.js";
export { celRule } from "../validate/cel-runtime.js";
export {
  isAddress,
  isEmail,
  isHeaderName,
  isHeaderValue,
  isHostAndPort,
  isHostname,
  isIp,
  isIpPrefix,
  isProtobufDotFqn,
  isProtobufFqn,
  isTuuid,
  isUlid,
  isUri,
  isUriRef,
  isUuid,
} from "../validate/formats.js";
export { InvalidRulesError } from "../validate/invalid-rules.js";
export {
  allUnique,
  anyTypeUrl,
  bytesContain,
  bytesEndWith,
  bytesEqual,
  bytesIn,
  bytesMatch,
  bytesStartWith,
  codepoints,
  fieldMaskTouches,
  fieldMaskWithin,
  isUtf8,
  microsFromNow,
  nowMicros,
  type Pattern,
  re2,
  stringsEqual,
  utf8Bytes,
} from "../validate/rules.js";
export { subscript, Violations } from "../validate/violation.js";
export {
  describeEnum,
  type EnumValueSpec,
  type FieldSpec,
  type FieldTypeSpec,
  type RecordSpec,
  type TableSpec,
} from "./describe.js";
export {
  describe,
  type RecordBase,
  type RecordInstance,
  type RecordStatics,
  record,
  type TableBase,
  type TableStatics,
  table,
} from "./record.js";
