/**
 * Predefined rules: extensions of protovalidate's rule messages (`extend buf.validate.StringRules { … }`) whose
 * `(buf.validate.predefined).cel` rules apply wherever a field sets the extension. The extension descriptors come from
 * the files the field's file imports (transitively); their values are read from the rules message's unknown fields.
 */
import {
  type DescExtension,
  type DescFile,
  type DescMessage,
  getExtension,
  getOption,
  hasExtension,
  hasOption,
  type Message,
  ScalarType,
} from "@bufbuild/protobuf";
import { predefined } from "../gen/buf/validate/validate_pb.js";
import { scalarKind } from "../mapping/column-type.js";

/** A rule value as the runtime converts it to CEL: plain data and its field type (the schema package's descriptor.ts). */
export interface RuleValue {
  /** A TypeScript expression of the value. */
  readonly code: string;
  /** A TypeScript expression of its `FieldType`. */
  readonly type: string;
}

export interface PredefinedRule {
  readonly extension: DescExtension;
  readonly id: string;
  readonly message: string;
  readonly expression: string;
  /** The index of the rule among the extension's `cel` rules. */
  readonly index: number;
  readonly value: RuleValue;
}

/** The predefined rules set on `rules` (a StringRules, Int32Rules, … message), in extension number order. */
export function predefinedRules(rules: Message, file: DescFile, report: (text: string) => void): PredefinedRule[] {
  if (rules.$unknown === undefined || rules.$unknown.length === 0) return [];
  const out: PredefinedRule[] = [];
  const extensions = extensionsOf(file, rules.$typeName);
  for (const ext of extensions) {
    if (!hasExtension(rules as never, ext)) continue;
    if (!hasOption(ext, predefined)) {
      report(`extension ${ext.typeName} of ${rules.$typeName} has no (buf.validate.predefined) rules`);
      continue;
    }
    const value = ruleValue(ext, getExtension(rules as never, ext));
    if (value === undefined) {
      report(`predefined rule ${ext.typeName}: values of its type are not supported`);
      continue;
    }
    for (const [index, rule] of getOption(ext, predefined).cel.entries()) {
      out.push({ extension: ext, id: rule.id, message: rule.message, expression: rule.expression, index, value });
    }
  }
  const known = new Set(extensions.map((e) => e.number));
  for (const field of rules.$unknown) {
    if (!known.has(field.no)) report(`unknown extension ${field.no} of ${rules.$typeName} (its file is not imported)`);
  }
  return out;
}

/** Every extension of `extendee` declared in `file` or the files it imports, by number. */
function extensionsOf(file: DescFile, extendee: string): DescExtension[] {
  const seen = new Set<DescFile>();
  const out = new Map<number, DescExtension>();
  const visit = (f: DescFile): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const ext of [...f.extensions, ...f.messages.flatMap(nestedExtensions)])
      if (ext.extendee.typeName === extendee && !out.has(ext.number)) out.set(ext.number, ext);
    for (const dep of f.dependencies) visit(dep);
  };
  visit(file);
  return [...out.values()].sort((a, b) => a.number - b.number);
}

function nestedExtensions(m: DescMessage): DescExtension[] {
  return [...m.nestedExtensions, ...m.nestedMessages.flatMap(nestedExtensions)];
}

function ruleValue(ext: DescExtension, value: unknown): RuleValue | undefined {
  switch (ext.fieldKind) {
    case "scalar":
      return { code: scalarCode(value), type: scalarType(ext.scalar) };
    case "enum":
      return { code: String(value), type: scalarType(ScalarType.INT32) };
    case "list": {
      const items = value as unknown[];
      if (ext.listKind === "scalar")
        return { code: `[${items.map(scalarCode).join(", ")}]`, type: listOf(scalarType(ext.scalar)) };
      if (ext.listKind === "enum") return { code: `[${items.join(", ")}]`, type: listOf(scalarType(ScalarType.INT32)) };
      const wrapped = wrapperScalar(ext.message.typeName);
      if (wrapped === undefined) return undefined;
      const type = `{ kind: "wrapper", scalar: "${scalarKind(wrapped)}" }`;
      return {
        code: `[${items.map((m) => scalarCode((m as { value: unknown }).value)).join(", ")}]`,
        type: listOf(type),
      };
    }
    case "message": {
      const wrapped = wrapperScalar(ext.message.typeName);
      if (wrapped === undefined) return undefined;
      return {
        code: scalarCode((value as { value: unknown }).value),
        type: `{ kind: "wrapper", scalar: "${scalarKind(wrapped)}" }`,
      };
    }
    default:
      return undefined;
  }
}

const listOf = (element: string): string => `{ kind: "list", element: ${element} }`;
const scalarType = (scalar: ScalarType): string => `{ kind: "scalar", scalar: "${scalarKind(scalar)}" }`;

function scalarCode(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "Number.NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Number.POSITIVE_INFINITY" : "Number.NEGATIVE_INFINITY";
    return String(value);
  }
  if (value instanceof Uint8Array) return `new Uint8Array([${Array.from(value).join(", ")}])`;
  return JSON.stringify(value);
}

const WRAPPERS: Readonly<Record<string, ScalarType>> = {
  "google.protobuf.DoubleValue": ScalarType.DOUBLE,
  "google.protobuf.FloatValue": ScalarType.FLOAT,
  "google.protobuf.Int64Value": ScalarType.INT64,
  "google.protobuf.UInt64Value": ScalarType.UINT64,
  "google.protobuf.Int32Value": ScalarType.INT32,
  "google.protobuf.UInt32Value": ScalarType.UINT32,
  "google.protobuf.BoolValue": ScalarType.BOOL,
  "google.protobuf.StringValue": ScalarType.STRING,
  "google.protobuf.BytesValue": ScalarType.BYTES,
};

function wrapperScalar(typeName: string): ScalarType | undefined {
  return WRAPPERS[typeName];
}
