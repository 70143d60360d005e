/**
 * The CEL fallback of generated validators: rules the plugin cannot compile to TypeScript (custom CEL with lists,
 * maps, macros, `now`, `%`, `dyn`, …, and predefined rules) are evaluated with `@bufbuild/cel`. Each rule is a
 * module-level `celRule(…)` constant in the generated file; its expression is parsed and planned once per process, on
 * first use, and shared by every rule with the same expression. The compiled-to-TypeScript checks stay the fast path.
 */
import {
  type CelEnv,
  type CelInput,
  type CelResult,
  CelScalar,
  celEnv,
  celMethod,
  isCelError,
  listType,
  parse,
  plan,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { RE2JS } from "@bufbuild/re2";
import { errorGuard } from "../errors.js";
import type { FieldType } from "../records/descriptor.js";
import { toCel } from "./cel-value.js";
import { RuleEvaluationError } from "./evaluation-error.js";
import { isEmail, isHostAndPort, isHostname, isIp, isIpPrefix, isUri, isUriRef } from "./formats.js";
import { bytesContain, bytesEndWith, bytesStartWith } from "./rules.js";

/** A CEL rule failed to evaluate (a missing key, a type error, an overflow): the record cannot be judged. */
export class CelRuntimeError extends RuleEvaluationError {
  override name = "CelRuntimeError";
  readonly expression: string;

  constructor(expression: string, message: string, options?: { cause?: unknown }) {
    super(`CEL expression ${JSON.stringify(expression)} failed: ${message}`, { ...options, code: "cel_runtime" });
    this.expression = expression;
  }
}

/** A CEL rule that failed to evaluate (code "cel_runtime"). */
export const isCelRuntimeError = errorGuard<CelRuntimeError>("cel_runtime");

/** A CEL rule as the generated code declares it. */
export interface CelRuleSpec {
  readonly expression: string;
  /** The rule id; a violation's message defaults to the expression's string result. */
  readonly id: string;
  readonly message: string;
  /** The type of `this` (a record field's type). */
  readonly type: FieldType;
  /** A predefined rule's value (`rule`), with its type. */
  readonly rule?: { readonly value: unknown; readonly type: FieldType };
}

type Program = (bindings: Record<string, CelInput>) => CelResult;

/** A planned CEL rule; `check(value)` gives the violation message, or undefined when the value passes. */
export class CelRule {
  private program: Program | undefined;
  private ruleValue: CelInput | undefined;

  constructor(readonly spec: CelRuleSpec) {}

  /** The message of the violation of `value` (a record field value, or the record), undefined when it passes. */
  check(value: unknown): string | undefined {
    const spec = this.spec;
    this.program ??= programOf(spec.expression);
    if (spec.rule !== undefined) this.ruleValue ??= toCel(spec.rule.value, spec.rule.type);
    let now: CelInput | undefined;
    const bindings: Record<string, CelInput> = {
      this: toCel(value, spec.type),
      rules: {},
      get now(): CelInput {
        now ??= timestampNow();
        return now;
      },
    };
    if (this.ruleValue !== undefined) bindings.rule = this.ruleValue;
    const result = this.program(bindings);
    if (typeof result === "boolean") {
      if (result) return undefined;
      return spec.message !== "" ? spec.message : `"${spec.expression}" returned false`;
    }
    if (typeof result === "string") {
      if (result === "") return undefined;
      return spec.message !== "" ? spec.message : result;
    }
    if (isCelError(result)) throw new CelRuntimeError(spec.expression, result.message, { cause: result });
    throw new CelRuntimeError(spec.expression, `gave ${typeof result}, not a bool or a string`);
  }
}

/** Declares a CEL rule (nothing is parsed until the first check). */
export function celRule(spec: CelRuleSpec): CelRule {
  return new CelRule(spec);
}

const programs = new Map<string, Program>();
let env: CelEnv | undefined;

function programOf(expression: string): Program {
  let program = programs.get(expression);
  if (program === undefined) {
    env ??= celEnv({ funcs: [...strings, ...FUNCS], re2: RE2 });
    try {
      program = plan(env, parse(expression)) as Program;
    } catch (e) {
      throw new CelRuntimeError(expression, `does not compile: ${(e as Error).message}`, { cause: e });
    }
    programs.set(expression, program);
  }
  return program;
}

const RE2 = {
  compile(pattern: string) {
    const re = RE2JS.compile(pattern);
    return { test: (text: string) => re.test(text) };
  },
};

function isInf(this: number, sign?: bigint): boolean {
  if (sign === undefined || sign === 0n) return this === Number.POSITIVE_INFINITY || this === Number.NEGATIVE_INFINITY;
  return sign > 0n ? this === Number.POSITIVE_INFINITY : this === Number.NEGATIVE_INFINITY;
}

function unique(this: { [Symbol.iterator](): Iterator<unknown> }): boolean {
  const seen = new Set<unknown>();
  for (const v of this as Iterable<unknown>) {
    const key =
      v instanceof Uint8Array
        ? `b:${Array.from(v).join(",")}`
        : typeof v === "object" && v !== null && "value" in v
          ? `u:${String((v as { value: bigint }).value)}`
          : v;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** protovalidate's CEL library (validate.proto's custom functions), on our format checks. */
const FUNCS = [
  celMethod("isNan", CelScalar.DOUBLE, [], CelScalar.BOOL, function () {
    return Number.isNaN(this);
  }),
  celMethod("isInf", CelScalar.DOUBLE, [], CelScalar.BOOL, function () {
    return isInf.call(this);
  }),
  celMethod("isInf", CelScalar.DOUBLE, [CelScalar.INT], CelScalar.BOOL, function (sign) {
    return isInf.call(this, sign);
  }),
  celMethod("isHostname", CelScalar.STRING, [], CelScalar.BOOL, function () {
    return isHostname(this);
  }),
  celMethod("isHostAndPort", CelScalar.STRING, [CelScalar.BOOL], CelScalar.BOOL, function (portRequired) {
    return isHostAndPort(this, portRequired);
  }),
  celMethod("isEmail", CelScalar.STRING, [], CelScalar.BOOL, function () {
    return isEmail(this);
  }),
  celMethod("isIp", CelScalar.STRING, [], CelScalar.BOOL, function () {
    return isIp(this);
  }),
  celMethod("isIp", CelScalar.STRING, [CelScalar.INT], CelScalar.BOOL, function (version) {
    return isIp(this, Number(version));
  }),
  celMethod("isIpPrefix", CelScalar.STRING, [], CelScalar.BOOL, function () {
    return isIpPrefix(this);
  }),
  celMethod("isIpPrefix", CelScalar.STRING, [CelScalar.INT], CelScalar.BOOL, function (version) {
    return isIpPrefix(this, Number(version));
  }),
  celMethod("isIpPrefix", CelScalar.STRING, [CelScalar.BOOL], CelScalar.BOOL, function (strict) {
    return isIpPrefix(this, 0, strict);
  }),
  celMethod("isIpPrefix", CelScalar.STRING, [CelScalar.INT, CelScalar.BOOL], CelScalar.BOOL, function (v, strict) {
    return isIpPrefix(this, Number(v), strict);
  }),
  celMethod("isUri", CelScalar.STRING, [], CelScalar.BOOL, function () {
    return isUri(this);
  }),
  celMethod("isUriRef", CelScalar.STRING, [], CelScalar.BOOL, function () {
    return isUriRef(this);
  }),
  ...[CelScalar.UINT, CelScalar.INT, CelScalar.STRING, CelScalar.BOOL, CelScalar.DOUBLE, CelScalar.BYTES].map((e) =>
    celMethod("unique", listType(e), [], CelScalar.BOOL, function () {
      return unique.call(this as never);
    }),
  ),
  celMethod("contains", CelScalar.BYTES, [CelScalar.BYTES], CelScalar.BOOL, function (part) {
    return bytesContain(this, part);
  }),
  celMethod("startsWith", CelScalar.BYTES, [CelScalar.BYTES], CelScalar.BOOL, function (prefix) {
    return bytesStartWith(this, prefix);
  }),
  celMethod("endsWith", CelScalar.BYTES, [CelScalar.BYTES], CelScalar.BOOL, function (suffix) {
    return bytesEndWith(this, suffix);
  }),
  celMethod("contains", CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (part) {
    return this.includes(part);
  }),
  celMethod("startsWith", CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (prefix) {
    return this.startsWith(prefix);
  }),
  celMethod("endsWith", CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (suffix) {
    return this.endsWith(suffix);
  }),
];
