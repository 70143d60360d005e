/**
 * protovalidate's standard rules as checks: for one value of one field, a list of `{ violated, rule, id, message }`
 * where `violated` is a TypeScript expression over the value (true when the rule fails) and the message is the text
 * protovalidate prints, computed here, at generation time. Rules that cannot hold for a field (a rule of another
 * type, min_len > max_len, a pattern that is not RE2) are reported as problems instead.
 */
import { type DescEnum, type DescMessage, type Message, ScalarType } from "@bufbuild/protobuf";
import { RE2JS } from "@bufbuild/re2";
import { isFieldMask, type ScalarKind } from "@lakehouse-contracts/schema";
import type { ColumnType } from "../mapping/column-type.js";
import { fieldMaskChecks } from "./field-mask.js";
import { setRules } from "./read.js";
import { anyChecks, temporalChecks } from "./temporal.js";

/** A piece of generated code: text, and names of runtime exports (imported by the emitter). */
export type Code = (string | { readonly runtime: string })[];

export interface Check {
  /** True when the rule is violated. */
  readonly violated: Code;
  /** Path into the field's rules, e.g. `string.min_len`. */
  readonly rule: string;
  readonly id: string;
  /** The message, a TypeScript expression (a string literal unless it depends on the value). */
  readonly message: Code;
}

export interface CheckContext {
  /** Reports a contract problem with the rules of this field. */
  readonly report: (text: string) => void;
  /** A module-level constant (e.g. a compiled pattern); returns its name. */
  readonly constant: (code: Code) => string;
}

const lit = (s: string): string => JSON.stringify(s);
const r = (name: string) => ({ runtime: name });

const NUMERIC = new Set<string>([
  "float",
  "double",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
]);

/** What a value of a field is in the record class, for the rule types that can apply to it. */
export type ValueShape =
  | { readonly kind: "number"; readonly scalar: ScalarKind; readonly ts: "number" | "bigint" | "string" }
  | { readonly kind: "string" }
  | { readonly kind: "bytes" }
  | { readonly kind: "bool" }
  | { readonly kind: "enum"; readonly desc: DescEnum; readonly asInt: boolean }
  | { readonly kind: "other"; readonly what: string };

export function shapeOf(type: ColumnType): ValueShape {
  switch (type.kind) {
    case "scalar":
    case "wrapper": {
      const s = type.scalar;
      if (s === "string") return { kind: "string" };
      if (s === "bytes") return { kind: "bytes" };
      if (s === "bool") return { kind: "bool" };
      const is64 = /64$/.test(s);
      const ts = !is64 ? "number" : type.kind === "scalar" ? (type.int64As ?? "bigint") : "bigint";
      return { kind: "number", scalar: s, ts };
    }
    case "enum":
      return { kind: "enum", desc: type.enum, asInt: type.asInt === true };
    case "json":
      return { kind: "other", what: type.wellKnown === "Any" ? "any" : `google.protobuf.${type.wellKnown}` };
    case "list":
      return { kind: "other", what: isFieldMask(type) ? "fieldMask" : "list" };
    default:
      return { kind: "other", what: type.kind };
  }
}

/** The checks of one type block (`string`, `int32`, …) of a field's rules, on the value expression `x`. */
export function typeChecks(
  ruleType: string,
  rules: Message,
  schema: DescMessage,
  shape: ValueShape,
  x: string,
  prefix: string,
  ctx: CheckContext,
): Check[] {
  const set = setRules(rules, schema);
  const expected = expectedRuleType(shape);
  if (expected !== ruleType) {
    ctx.report(`${ruleType} rules do not apply to a field of type ${describeShape(shape)}`);
    return [];
  }
  set.delete("example");
  // Rule paths use the proto field name of the type block (`field_mask`); `ruleType` is its local name (`fieldMask`).
  const block = ruleType.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const rule = (name: string) => `${prefix}${block}.${name}`;
  switch (shape.kind) {
    case "number":
      return numberChecks(set, shape, x, ruleType, rule, ctx);
    case "string":
      return stringChecks(set, x, rule, ctx);
    case "bytes":
      return bytesChecks(set, x, rule, ctx);
    case "bool":
      return set.has("const")
        ? [check(`${x} !== ${set.get("const")}`, rule("const"), "bool.const", `must equal ${set.get("const")}`)]
        : [];
    case "enum":
      return enumChecks(set, shape, x, rule, ctx);
    case "other":
      if (shape.what === "duration" || shape.what === "timestamp") return temporalChecks(shape.what, set, x, rule, ctx);
      if (shape.what === "any") return anyChecks(set, x, rule);
      if (shape.what === "fieldMask") return fieldMaskChecks(set, x, rule, ctx);
      return [];
  }
}

export function expectedRuleType(shape: ValueShape): string {
  switch (shape.kind) {
    case "number":
      return shape.scalar;
    case "other":
      return shape.what;
    default:
      return shape.kind;
  }
}

function describeShape(shape: ValueShape): string {
  return shape.kind === "enum" ? `enum ${shape.desc.typeName}` : expectedRuleType(shape);
}

function check(violated: Code | string, rule: string, id: string, message: string): Check {
  return { violated: typeof violated === "string" ? [violated] : violated, rule, id, message: [lit(message)] };
}

function numberChecks(
  set: Map<string, unknown>,
  shape: Extract<ValueShape, { kind: "number" }>,
  raw: string,
  type: string,
  rule: (name: string) => string,
  ctx: CheckContext,
): Check[] {
  const x = shape.ts === "string" ? `BigInt(${raw})` : raw;
  const isFloat = type === "float" || type === "double";
  const literal = (v: unknown): string => {
    if (typeof v === "bigint") return shape.ts === "number" ? String(v) : `${v}n`;
    const n = v as number;
    if (Number.isNaN(n)) return "Number.NaN";
    if (n === Number.POSITIVE_INFINITY) return "Number.POSITIVE_INFINITY";
    if (n === Number.NEGATIVE_INFINITY) return "Number.NEGATIVE_INFINITY";
    return shape.ts === "bigint" ? `${n}n` : String(n);
  };
  const text = (v: unknown): string => {
    if (typeof v !== "number") return String(v);
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return String(v);
  };
  const out: Check[] = [];
  if (set.has("const")) {
    const c = set.get("const");
    out.push(check(`${x} !== ${literal(c)}`, rule("const"), `${type}.const`, `must equal ${text(c)}`));
  }
  const lo: "gt" | "gte" | undefined = set.has("gt") ? "gt" : set.has("gte") ? "gte" : undefined;
  const hi: "lt" | "lte" | undefined = set.has("lt") ? "lt" : set.has("lte") ? "lte" : undefined;
  const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
  const words = { gt: "greater than", gte: "greater than or equal to", lt: "less than", lte: "less than or equal to" };
  if (lo !== undefined && hi !== undefined) {
    const l = set.get(lo) as number | bigint;
    const h = set.get(hi) as number | bigint;
    if (isFloat && (Number.isNaN(l) || Number.isNaN(h))) ctx.report(`${type}.${lo}/${hi} must not be NaN`);
    const normal = h >= l;
    if (normal && (l === h ? lo === "gt" || hi === "lt" : false)) {
      ctx.report(`${type}.${lo} and ${type}.${hi} leave no valid value`);
    }
    const inLo = `${x} ${op[lo]} ${literal(l)}`;
    const inHi = `${x} ${op[hi]} ${literal(h)}`;
    out.push(
      check(
        normal ? `!(${inLo} && ${inHi})` : `!(${inLo} || ${inHi})`,
        rule(lo),
        `${type}.${lo}_${hi}${normal ? "" : "_exclusive"}`,
        `must be ${words[lo]} ${text(l)} ${normal ? "and" : "or"} ${words[hi]} ${text(h)}`,
      ),
    );
  } else {
    for (const bound of [lo, hi]) {
      if (bound === undefined) continue;
      const v = set.get(bound);
      if (isFloat && Number.isNaN(v)) ctx.report(`${type}.${bound} must not be NaN`);
      out.push(
        check(
          `!(${x} ${op[bound]} ${literal(v)})`,
          rule(bound),
          `${type}.${bound}`,
          `must be ${words[bound]} ${text(v)}`,
        ),
      );
    }
  }
  for (const name of ["in", "not_in"] as const) {
    const list = set.get(name) as unknown[] | undefined;
    if (list === undefined || list.length === 0) continue;
    // Lists are module-level constants: an array literal in the check would be allocated on every call.
    const items = ctx.constant([`[${list.map(literal).join(", ")}]`]);
    out.push(
      check(
        `${name === "in" ? "!" : ""}${items}.includes(${x})`,
        rule(name),
        `${type}.${name}`,
        `must ${name === "in" ? "" : "not "}be in list [${list.map(text).join(", ")}]`,
      ),
    );
  }
  if (set.get("finite") === true) {
    out.push(check(`!Number.isFinite(${x})`, rule("finite"), `${type}.finite`, "must be finite"));
  }
  return out;
}

function stringChecks(set: Map<string, unknown>, x: string, rule: (n: string) => string, ctx: CheckContext): Check[] {
  const out: Check[] = [];
  const num = (name: string): bigint | undefined => set.get(name) as bigint | undefined;
  const str = (name: string): string | undefined => set.get(name) as string | undefined;
  const c = str("const");
  if (c !== undefined) out.push(check(`${x} !== ${lit(c)}`, rule("const"), "string.const", `must equal \`${c}\``));
  const len = (name: string, fn: string, test: string, message: string): void => {
    const v = num(name);
    if (v !== undefined)
      out.push(check([r(fn), `(${x}) ${test} ${v}`], rule(name), `string.${name}`, message.replace("%", String(v))));
  };
  len("len", "codepoints", "!==", "must be % characters");
  len("min_len", "codepoints", "<", "must be at least % characters");
  len("max_len", "codepoints", ">", "must be at most % characters");
  len("len_bytes", "utf8Bytes", "!==", "must be % bytes");
  len("min_bytes", "utf8Bytes", "<", "must be at least % bytes");
  len("max_bytes", "utf8Bytes", ">", "must be at most % bytes");
  const minLen = num("min_len");
  const maxLen = num("max_len");
  if (minLen !== undefined && maxLen !== undefined && minLen > maxLen) ctx.report("string.min_len > string.max_len");
  const minBytes = num("min_bytes");
  const maxBytes = num("max_bytes");
  if (minBytes !== undefined && maxBytes !== undefined && minBytes > maxBytes)
    ctx.report("string.min_bytes > string.max_bytes");
  const pattern = str("pattern");
  if (pattern !== undefined) {
    try {
      RE2JS.compile(pattern);
      const name = ctx.constant([r("re2"), `(${lit(pattern)})`]);
      out.push(
        check(`!${name}.test(${x})`, rule("pattern"), "string.pattern", `does not match regex pattern \`${pattern}\``),
      );
    } catch (e) {
      ctx.report(`string.pattern ${lit(pattern)} is not a valid RE2 regular expression: ${(e as Error).message}`);
    }
  }
  const affix = (name: string, test: string, message: string): void => {
    const v = str(name);
    if (v !== undefined)
      out.push(check(test.replace("%", lit(v)), rule(name), `string.${name}`, message.replace("%", v)));
  };
  affix("prefix", `!${x}.startsWith(%)`, "does not have prefix `%`");
  affix("suffix", `!${x}.endsWith(%)`, "does not have suffix `%`");
  affix("contains", `!${x}.includes(%)`, "does not contain substring `%`");
  affix("not_contains", `${x}.includes(%)`, "contains substring `%`");
  for (const name of ["in", "not_in"] as const) {
    const list = set.get(name) as string[] | undefined;
    if (list === undefined || list.length === 0) continue;
    const items = ctx.constant([`[${list.map(lit).join(", ")}]`]);
    out.push(
      check(
        `${name === "in" ? "!" : ""}${items}.includes(${x})`,
        rule(name),
        `string.${name}`,
        `must ${name === "in" ? "" : "not "}be in list [${list.join(", ")}]`,
      ),
    );
  }
  out.push(...stringFormats(set, x, rule));
  return out;
}

/** The well-known formats: `[fn, args, id-suffix, what]`; an empty value gets the `_empty` rule id. */
const FORMATS: Record<string, [fn: string, args: string, what: string]> = {
  email: ["isEmail", "", "email address"],
  hostname: ["isHostname", "", "hostname"],
  ip: ["isIp", "", "IP address"],
  ipv4: ["isIp", ", 4", "IPv4 address"],
  ipv6: ["isIp", ", 6", "IPv6 address"],
  uri: ["isUri", "", "URI"],
  uuid: ["isUuid", "", "UUID"],
  tuuid: ["isTuuid", "", "trimmed UUID"],
  ulid: ["isUlid", "", "ULID"],
  ip_with_prefixlen: ["isIpPrefix", "", "IP prefix"],
  ipv4_with_prefixlen: ["isIpPrefix", ", 4", "IPv4 address with prefix length"],
  ipv6_with_prefixlen: ["isIpPrefix", ", 6", "IPv6 address with prefix length"],
  ip_prefix: ["isIpPrefix", ", 0, true", "IP prefix"],
  ipv4_prefix: ["isIpPrefix", ", 4, true", "IPv4 prefix"],
  ipv6_prefix: ["isIpPrefix", ", 6, true", "IPv6 prefix"],
  host_and_port: ["isHostAndPort", ", true", "host and port pair"],
  address: ["isAddress", "", "hostname, or ip address"],
  protobuf_fqn: ["isProtobufFqn", "", "fully-qualified Protobuf name"],
  protobuf_dot_fqn: ["isProtobufDotFqn", "", "fully-qualified Protobuf name with a leading dot"],
};

const FORMAT_MESSAGES: Record<string, string> = {
  host_and_port: "must be a valid host (hostname or IP address) and port pair",
  uri_ref: "must be a valid URI Reference",
};

function stringFormats(set: Map<string, unknown>, x: string, rule: (n: string) => string): Check[] {
  for (const [name, [fn, args, what]] of Object.entries(FORMATS)) {
    if (set.get(name) !== true) continue;
    const message = FORMAT_MESSAGES[name] ?? `must be a valid ${what}`;
    return [
      check([`${x} !== "" && !`, r(fn), `(${x}${args})`], rule(name), `string.${name}`, message),
      check(`${x} === ""`, rule(name), `string.${name}_empty`, `value is empty, which is not a valid ${what}`),
    ];
  }
  if (set.get("uri_ref") === true) {
    return [check(["!", r("isUriRef"), `(${x})`], rule("uri_ref"), "string.uri_ref", FORMAT_MESSAGES.uri_ref ?? "")];
  }
  const wkr = set.get("well_known_regex") as number | undefined;
  if (wkr !== undefined && wkr !== 0) {
    const strict = set.get("strict") !== false;
    const header = wkr === 1 ? "name" : "value";
    const fn = wkr === 1 ? "isHeaderName" : "isHeaderValue";
    const checks: Check[] = [
      check(
        [wkr === 1 ? `${x} !== "" && !` : "!", r(fn), `(${x}, ${strict})`],
        rule("well_known_regex"),
        `string.well_known_regex.header_${header}`,
        `must be a valid HTTP header ${header}`,
      ),
    ];
    if (wkr === 1) {
      checks.push(
        check(
          `${x} === ""`,
          rule("well_known_regex"),
          "string.well_known_regex.header_name_empty",
          "value is empty, which is not a valid HTTP header name",
        ),
      );
    }
    return checks;
  }
  return [];
}

function bytesChecks(set: Map<string, unknown>, x: string, rule: (n: string) => string, ctx: CheckContext): Check[] {
  const out: Check[] = [];
  const hex = (b: Uint8Array): string => Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
  const bytes = (b: Uint8Array): string => ctx.constant([`new Uint8Array([${Array.from(b).join(", ")}])`]);
  const c = set.get("const") as Uint8Array | undefined;
  if (c !== undefined)
    out.push(check(["!", r("bytesEqual"), `(${x}, ${bytes(c)})`], rule("const"), "bytes.const", `must be ${hex(c)}`));
  for (const [name, test, message] of [
    ["len", "!==", "must be % bytes"],
    ["min_len", "<", "must be at least % bytes"],
    ["max_len", ">", "must be at most % bytes"],
  ] as const) {
    const v = set.get(name) as bigint | undefined;
    if (v !== undefined)
      out.push(check(`${x}.length ${test} ${v}`, rule(name), `bytes.${name}`, message.replace("%", String(v))));
  }
  const pattern = set.get("pattern") as string | undefined;
  if (pattern !== undefined) {
    try {
      RE2JS.compile(pattern);
      const name = ctx.constant([r("re2"), `(${lit(pattern)})`]);
      // Bytes that are not UTF-8 cannot be matched: protovalidate makes that a runtime error, not a violation.
      out.push(
        check(
          ["!", r("bytesMatch"), `(${name}, ${x})`],
          rule("pattern"),
          "bytes.pattern",
          `must match regex pattern \`${pattern}\``,
        ),
      );
    } catch (e) {
      ctx.report(`bytes.pattern ${lit(pattern)} is not a valid RE2 regular expression: ${(e as Error).message}`);
    }
  }
  for (const [name, fn, message] of [
    ["prefix", "bytesStartWith", "does not have prefix %"],
    ["suffix", "bytesEndWith", "does not have suffix %"],
    ["contains", "bytesContain", "does not contain %"],
  ] as const) {
    const v = set.get(name) as Uint8Array | undefined;
    if (v !== undefined)
      out.push(check(["!", r(fn), `(${x}, ${bytes(v)})`], rule(name), `bytes.${name}`, message.replace("%", hex(v))));
  }
  for (const name of ["in", "not_in"] as const) {
    const list = set.get(name) as Uint8Array[] | undefined;
    if (list === undefined || list.length === 0) continue;
    const consts = list.map(bytes);
    out.push({
      violated: [name === "in" ? "!" : "", r("bytesIn"), `(${x}, [${consts.join(", ")}])`],
      rule: rule(name),
      id: `bytes.${name}`,
      message: [
        lit(
          `must ${name === "in" ? "" : "not "}be in list [${list.map((b) => new TextDecoder().decode(b)).join(", ")}]`,
        ),
      ],
    });
  }
  for (const [name, len, what] of [
    ["ip", "", "IP address"],
    ["ipv4", "4", "IPv4 address"],
    ["ipv6", "16", "IPv6 address"],
    ["uuid", "16", "UUID"],
  ] as const) {
    if (set.get(name) !== true) continue;
    const lengths = name === "ip" ? `(${x}.length !== 4 && ${x}.length !== 16)` : `${x}.length !== ${len}`;
    out.push(check(`${x}.length !== 0 && ${lengths}`, rule(name), `bytes.${name}`, `must be a valid ${what}`));
    out.push(
      check(`${x}.length === 0`, rule(name), `bytes.${name}_empty`, `value is empty, which is not a valid ${what}`),
    );
  }
  return out;
}

function enumChecks(
  set: Map<string, unknown>,
  shape: Extract<ValueShape, { kind: "enum" }>,
  x: string,
  rule: (n: string) => string,
  ctx: CheckContext,
): Check[] {
  // Record classes hold enum values as their names (enum_as_int only changes the column); rules are about numbers,
  // and with `allow_alias` one number has several names.
  const names = (numbers: readonly number[]): string[] =>
    numbers.flatMap((n) => {
      const named = shape.desc.values.filter((v) => v.number === n).map((v) => lit(v.name));
      return named.length > 0 ? named : [lit(`(${n})`)];
    });
  const out: Check[] = [];
  if (set.has("const")) {
    const c = set.get("const") as number;
    const [only, ...aliases] = names([c]);
    const violated =
      aliases.length === 0 ? `${x} !== ${only}` : `!${ctx.constant([`[${names([c]).join(", ")}]`])}.includes(${x})`;
    out.push(check(violated, rule("const"), "enum.const", `must equal ${c}`));
  }
  for (const name of ["in", "not_in"] as const) {
    const list = set.get(name) as number[] | undefined;
    if (list === undefined || list.length === 0) continue;
    out.push(
      check(
        `${name === "in" ? "!" : ""}${ctx.constant([`[${names(list).join(", ")}]`])}.includes(${x})`,
        rule(name),
        `enum.${name}`,
        `must ${name === "in" ? "" : "not "}be in list [${list.join(", ")}]`,
      ),
    );
  }
  if (set.get("defined_only") === true) {
    // Typed code can only hold defined names; this catches values that came in untyped.
    const defined = ctx.constant([`[${shape.desc.values.map((v) => lit(v.name)).join(", ")}] as string[]`]);
    out.push(
      check(
        `!${defined}.includes(${x})`,
        rule("defined_only"),
        "enum.defined_only",
        "value must be one of the defined enum values",
      ),
    );
  }
  return out;
}

export { NUMERIC, ScalarType };
