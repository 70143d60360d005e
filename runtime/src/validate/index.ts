/**
 * Validation of records by protovalidate's rules, compiled into generated record classes: the violation model,
 * `ValidationError`, the Standard Schema adapter, and the helpers generated validators call.
 */
export { CelRule, type CelRuleSpec, CelRuntimeError, celRule, isCelRuntimeError } from "./cel-runtime.js";
export { recordToCel, toCel } from "./cel-value.js";
export {
  assertNoViolations,
  isValidationError,
  ValidationError,
  type ValidationResult,
  validationResult,
} from "./error.js";
export { isRuleEvaluationError, RuleEvaluationError } from "./evaluation-error.js";
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
} from "./formats.js";
export { InvalidRulesError, isInvalidRulesError } from "./invalid-rules.js";
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
  type Pattern,
  re2,
  stringsEqual,
  utf8Bytes,
} from "./rules.js";
export { pathSegments, type StandardSchemaV1, standardSchema } from "./standard-schema.js";
export { formatViolation, subscript, type ValidateOptions, type Violation, Violations } from "./violation.js";
