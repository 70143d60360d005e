/**
 * Custom CEL rules compiled to TypeScript at generation time, for a subset of CEL: `this` and field selection,
 * `has()`, constants, `!`, `&&`, `||`, `? :`, comparisons, `size()`, string methods, and protovalidate's format
 * functions (`isEmail`, `isIp`, …). An expression outside the subset is evaluated at run time by the runtime's CEL
 * interpreter instead (`celRule`); parse errors, unknown fields and string methods on numbers are contract errors.
 * Parsing is `@bufbuild/cel`'s.
 */

import { parse } from "@bufbuild/cel";
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { fieldProperty } from "../model/record.js";
import type { Code } from "./checks.js";

type CelType = "bool" | "int" | "uint" | "double" | "string" | "bytes" | "message" | "unknown";

interface Compiled {
  readonly code: Code;
  readonly type: CelType;
  /** The message when the value is a record (for field selection). */
  readonly message?: DescMessage;
}

/** The `this` of a rule: the record (`r`, message rules) or a field value (`x`, field rules). */
export interface CelThis {
  readonly code: string;
  readonly type: CelType;
  readonly message?: DescMessage;
}

/** The expression is valid CEL outside the compiled subset: the runtime interprets it. */
export class CelUnsupported extends Error {}

/** The expression cannot be right for its `this` (an unknown field, a string method on a number). */
export class CelInvalid extends Error {}

/** Compiles `expression` to a TypeScript expression; throws CelUnsupported, or an Error when it does not parse. */
export function compileCel(expression: string, self: CelThis): Compiled {
  const parsed = parse(expression);
  return compile(parsed.expr, self);
}

/**
 * The CEL rules of a field or message as checks: compiled (`code` and its result type), or, outside the compiled
 * subset, `interpreted` (the expression is evaluated by the runtime's CEL interpreter).
 */
export type CelCheck = {
  readonly rule: string;
  readonly id: string;
  readonly message: string;
  readonly expression: string;
} & ({ readonly kind: "compiled"; readonly code: Code; readonly type: CelType } | { readonly kind: "interpreted" });

export function celChecks(
  rules: {
    readonly cel: readonly { id: string; message: string; expression: string }[];
    readonly celExpression: readonly string[];
  },
  self: CelThis | undefined,
  prefix: string,
  report: (text: string) => void,
): CelCheck[] {
  const all = [
    // Not a spread: proto2 defaults of protobuf-es messages live on the prototype.
    ...rules.cel.map((c, i) => ({
      id: c.id,
      message: c.message,
      expression: c.expression,
      rule: `${prefix}cel[${i}]`,
    })),
    ...rules.celExpression.map((e, i) => ({
      id: e,
      message: "",
      expression: e,
      rule: `${prefix}cel_expression[${i}]`,
    })),
  ];
  const out: CelCheck[] = [];
  for (const rule of all) {
    const { id, message, expression } = rule;
    try {
      if (self === undefined) {
        parse(expression);
        out.push({ rule: rule.rule, id, message, expression, kind: "interpreted" });
        continue;
      }
      const compiled = compileCel(expression, self);
      if (compiled.type !== "bool" && compiled.type !== "string") {
        if (compiled.type === "unknown") {
          out.push({ rule: rule.rule, id, message, expression, kind: "interpreted" });
          continue;
        }
        report(`CEL expression ${JSON.stringify(expression)} must give a bool or a string, not ${compiled.type}`);
        continue;
      }
      out.push({
        rule: rule.rule,
        id,
        message,
        expression,
        kind: "compiled",
        code: compiled.code,
        type: compiled.type,
      });
    } catch (e) {
      if (e instanceof CelUnsupported) {
        out.push({ rule: rule.rule, id, message, expression, kind: "interpreted" });
        continue;
      }
      const reason = e instanceof CelInvalid ? `is invalid: ${e.message}` : `does not parse: ${(e as Error).message}`;
      report(`CEL expression ${JSON.stringify(expression)} ${reason}`);
    }
  }
  return out;
}

type Expr = ReturnType<typeof parse>["expr"];

const r = (name: string) => ({ runtime: name });

function compile(e: Expr, self: CelThis): Compiled {
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr": {
      const c = k.value.constantKind;
      switch (c.case) {
        case "boolValue":
          return { code: [String(c.value)], type: "bool" };
        case "int64Value":
          return { code: [String(c.value)], type: "int" };
        case "uint64Value":
          return { code: [String(c.value)], type: "uint" };
        case "doubleValue":
          return { code: [String(c.value)], type: "double" };
        case "stringValue":
          return { code: [JSON.stringify(c.value)], type: "string" };
        default:
          throw new CelUnsupported(`constant ${c.case}`);
      }
    }
    case "identExpr":
      if (k.value.name === "this")
        return { code: [self.code], type: self.type, ...(self.message ? { message: self.message } : {}) };
      throw new CelUnsupported(`identifier ${k.value.name}`);
    case "selectExpr": {
      const operand = k.value.operand;
      if (operand === undefined) throw new CelUnsupported("select");
      const target = compile(operand, self);
      // A nested record may be unset (undefined), where CEL reads its defaults: the interpreter handles that.
      if (target.message !== undefined && target.code.join("") !== self.code)
        throw new CelUnsupported("field of a nested message");
      const field = target.message?.fields.find((f) => f.name === k.value.field);
      if (field === undefined && target.message !== undefined && target.type === "message")
        throw new CelInvalid(`${target.message.typeName} has no field ${k.value.field}`);
      if (field === undefined) throw new CelUnsupported(`field ${k.value.field}`);
      if (field.oneof !== undefined) throw new CelUnsupported(`oneof member ${field.name}`);
      const code: Code = [...target.code, `.${fieldProperty(field)}`];
      if (k.value.testOnly) {
        const presence = field.fieldKind === "message" || field.oneof !== undefined || hasPresence(field);
        if (!presence) throw new CelUnsupported("has() of a field without presence");
        return { code: ["(", ...code, " !== undefined)"], type: "bool" };
      }
      return fieldValue(field, code);
    }
    case "callExpr":
      return call(k.value.function, k.value.target, k.value.args, self);
    default:
      throw new CelUnsupported(k.case ?? "empty expression");
  }
}

function hasPresence(field: DescField): boolean {
  return field.proto.proto3Optional || (field.fieldKind === "scalar" && field.presence === 1);
}

function fieldValue(field: DescField, code: Code): Compiled {
  // Well-known types (Timestamp, wrappers, …) are not records: record classes hold them as Date, bigint, T | undefined.
  if (field.fieldKind === "message" && field.message.typeName.startsWith("google."))
    throw new CelUnsupported(`field ${field.name} of type ${field.message.typeName}`);
  if (field.fieldKind === "message") return { code, type: "message", message: field.message };
  if (field.fieldKind !== "scalar") throw new CelUnsupported(`${field.fieldKind} field ${field.name}`);
  switch (field.scalar) {
    case ScalarType.BOOL:
      return { code, type: "bool" };
    case ScalarType.STRING:
      return { code, type: "string" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { code, type: "int" };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { code, type: "double" };
    default:
      throw new CelUnsupported(`field type of ${field.name}`);
  }
}

const BINARY: Record<string, string> = {
  "_&&_": "&&",
  "_||_": "||",
  "_==_": "===",
  "_!=_": "!==",
  "_<_": "<",
  "_<=_": "<=",
  "_>_": ">",
  "_>=_": ">=",
};

function call(fn: string, target: Expr | undefined, args: readonly Expr[], self: CelThis): Compiled {
  const c = args.map((a) => compile(a, self));
  const [a, b, t] = c;
  const op = BINARY[fn];
  if (op !== undefined && a !== undefined && b !== undefined) {
    if (op !== "&&" && op !== "||" && a.type !== b.type && !(isNumber(a.type) && isNumber(b.type)))
      throw new CelUnsupported(`${fn} of ${a.type} and ${b.type}`);
    return { code: ["(", ...a.code, ` ${op} `, ...b.code, ")"], type: "bool" };
  }
  if (fn === "!_" && a !== undefined) return { code: ["!", ...a.code], type: "bool" };
  if (fn === "_?_:_" && a !== undefined && b !== undefined && t !== undefined) {
    return { code: ["(", ...a.code, " ? ", ...b.code, " : ", ...t.code, ")"], type: b.type };
  }
  const on = target === undefined ? undefined : compile(target, self);
  if (on !== undefined && STRING_METHODS.has(fn) && (isNumber(on.type) || on.type === "bool"))
    throw new CelInvalid(`${fn}() is not a method of ${on.type}`);
  if (on?.type === "string") {
    const s = on.code;
    const [arg0, arg1] = c;
    switch (fn) {
      case "isEmail":
      case "isHostname":
      case "isUri":
      case "isUriRef":
        if (c.length === 0) return { code: [r(fn), "(", ...s, ")"], type: "bool" };
        break;
      case "isIp":
        if (c.length === 0) return { code: [r("isIp"), "(", ...s, ")"], type: "bool" };
        if (c.length === 1 && arg0?.type === "int")
          return { code: [r("isIp"), "(", ...s, ", ", ...arg0.code, ")"], type: "bool" };
        break;
      case "isIpPrefix": {
        if (c.length === 0) return { code: [r("isIpPrefix"), "(", ...s, ")"], type: "bool" };
        if (c.length === 1 && arg0?.type === "int")
          return { code: [r("isIpPrefix"), "(", ...s, ", ", ...arg0.code, ")"], type: "bool" };
        if (c.length === 1 && arg0?.type === "bool")
          return { code: [r("isIpPrefix"), "(", ...s, ", 0, ", ...arg0.code, ")"], type: "bool" };
        if (c.length === 2 && arg0?.type === "int" && arg1?.type === "bool")
          return { code: [r("isIpPrefix"), "(", ...s, ", ", ...arg0.code, ", ", ...arg1.code, ")"], type: "bool" };
        break;
      }
      case "isHostAndPort":
        if (c.length === 1 && arg0?.type === "bool")
          return { code: [r("isHostAndPort"), "(", ...s, ", ", ...arg0.code, ")"], type: "bool" };
        break;
      case "startsWith":
      case "endsWith":
      case "contains":
        if (c.length === 1 && arg0?.type === "string") {
          const method = fn === "contains" ? "includes" : fn;
          return { code: [...s, `.${method}(`, ...arg0.code, ")"], type: "bool" };
        }
        break;
      case "size":
        if (c.length === 0) return { code: [r("codepoints"), "(", ...s, ")"], type: "int" };
        break;
    }
  }
  if (fn === "size" && target === undefined && a?.type === "string") {
    return { code: [r("codepoints"), "(", ...a.code, ")"], type: "int" };
  }
  throw new CelUnsupported(`function ${fn}`);
}

const STRING_METHODS = new Set(["startsWith", "endsWith", "contains", "matches", "isEmail", "isHostname", "isUri"]);

function isNumber(t: CelType): boolean {
  return t === "int" || t === "uint" || t === "double";
}
