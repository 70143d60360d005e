/**
 * The validator of a record class: protovalidate's rules compiled to plain TypeScript checks, one `if` a rule, in
 * `static checkAt(v, r, at)`: the one algorithm each record class has of its own. The public `check`, `validate`,
 * `assertValid` and Standard Schema members come from the class's base (the runtime's codegenv1 seam), which calls
 * it. Rules are read from the `buf.validate` options (rules/), checked at generation time, and printed here.
 *
 * Paths: `at` is `""` or a prefix ending in "." (`lines[2].`), so a field's path is `${at}name` and a nested record is
 * checked with `${at}name.` — no branching, no arrays of segments at run time.
 */
import { type DescField, type DescMessage, getOption, hasOption } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import type { Printable } from "@bufbuild/protoplugin";
import { isFieldMask, zeroEnumValue } from "@lakehouse-contracts/schema";
import { formatProblem, type Problem } from "../errors.js";
import {
  type FieldRules,
  FieldRulesSchema,
  field as fieldRules,
  Ignore,
  MapRulesSchema,
  message as messageRules,
  oneof as oneofRules,
  RepeatedRulesSchema,
} from "../gen/buf/validate/validate_pb.js";
import type { ColumnType } from "../mapping/column-type.js";
import { type ColumnModel, oneofProperty, type RecordModel } from "../model/record.js";
import { type CelCheck, type CelThis, celChecks } from "../rules/cel.js";
import { type Check, type CheckContext, type Code, shapeOf, typeChecks } from "../rules/checks.js";
import { predefinedRules, type RuleValue } from "../rules/predefined.js";
import { setRules } from "../rules/read.js";
import type { EmitContext } from "./context.js";
import { fieldTypeLiteral } from "./descriptor.js";
import { code, type Literal, obj, render, str } from "./literal.js";
import { propertyIsOptional, scalarTsType } from "./types.js";

const LEGACY_REQUIRED = FeatureSet_FieldPresence.LEGACY_REQUIRED;

/** What the emitter collects while it prints one record's validator. */
interface ValidatorState {
  readonly ctx: EmitContext;
  readonly className: string;
  readonly report: (text: string, field?: string) => void;
  /** Module-level constants: code, or a literal passed to a runtime function (`celRule({ … })`). */
  readonly constants: (Code | { readonly call: string; readonly arg: Literal })[];
  readonly lines: Printable[][];
  /** Fields named by a message oneof rule: their rules are skipped when they are unpopulated (zero). */
  readonly inMessageOneof: ReadonlySet<string>;
}

/** The body of `checkAt` for one record, and its module-level constants (compiled patterns, byte strings). */
export function validatorBody(
  ctx: EmitContext,
  record: RecordModel,
  className: string,
  report: (text: string, field?: string) => void,
): { lines: Printable[][]; constants: Printable[][] } {
  const inMessageOneof = new Set(
    hasOption(record.message, messageRules)
      ? getOption(record.message, messageRules).oneof.flatMap((o) => o.fields)
      : [],
  );
  const state: ValidatorState = { ctx, className, report, constants: [], lines: [], inMessageOneof };
  for (const column of record.columns) fieldBlock(state, column);
  for (const oneof of record.oneofs) {
    if (hasOption(oneof, oneofRules) && getOption(oneof, oneofRules).required) {
      state.lines.push([
        `    if (r.${oneofProperty(oneof)}.case === undefined) v.add(\`\${at}${oneof.name}\`, "", "required", "exactly one field is required in oneof");`,
      ]);
    }
  }
  messageBlock(state, record);
  return {
    lines: state.lines,
    constants: state.constants.map((code, i) => {
      const head = `const ${constName(className, i)} = `;
      if (Array.isArray(code)) return [head, ...printable(ctx, code), ";"];
      const call = ctx.runtime(code.call);
      return [head, call, "(", ...render(code.arg, 0, head.length + code.call.length + 1, 2), ");"];
    }),
  };
}

const constName = (className: string, i: number): string => `${className}$${i}`;

function printable(ctx: EmitContext, code: Code): Printable[] {
  return code.map((c) => (typeof c === "string" ? c : ctx.runtime(c.runtime)));
}

function messageBlock(state: ValidatorState, record: RecordModel): void {
  const message = record.message;
  if (!hasOption(message, messageRules)) return;
  const rules = getOption(message, messageRules);
  const self: CelThis = { code: "r", type: "message", message };
  const type: ColumnType = { kind: "message", record: message };
  for (const c of celChecks(rules, self, "", (text) => state.report(text))) {
    // protovalidate gives message-level CEL violations no rule path.
    state.lines.push(["    ", ...celLine(state, { ...c, rule: "" }, type, "r", "at.slice(0, -1)", "add", "")]);
  }
  for (const rule of rules.oneof) {
    const columns = rule.fields.map((name) => record.columns.find((c) => c.field.name === name));
    const missing = rule.fields.filter((_, i) => columns[i] === undefined);
    const duplicate = rule.fields.find((name, i) => rule.fields.indexOf(name) !== i);
    if (duplicate !== undefined) {
      state.report(`message oneof rule lists ${duplicate} twice`);
      continue;
    }
    if (missing.length > 0 || columns.length === 0) {
      state.report(`message oneof rule names no field or unknown fields: ${missing.join(", ")}`);
      continue;
    }
    const set = columns.map((c) => `(${isSet(c!, propertyOf(c!))} ? 1 : 0)`).join(" + ");
    const names = rule.fields.join(", ");
    state.lines.push(["    {"]);
    state.lines.push([`      const set = ${set};`]);
    state.lines.push([
      `      if (set > 1) v.add(at.slice(0, -1), "", "message.oneof", ${JSON.stringify(`only one of ${names} can be set`)});`,
    ]);
    if (rule.required) {
      state.lines.push([
        `      if (set === 0) v.add(at.slice(0, -1), "", "message.oneof", ${JSON.stringify(`one of ${names} must be set`)});`,
      ]);
    }
    state.lines.push(["    }"]);
  }
}

/** The property expression of a column; oneof members are read through their case. */
function propertyOf(column: ColumnModel): string {
  return column.oneof === undefined
    ? `r.${column.name}`
    : `(r.${oneofProperty(column.oneof)}.case === "${column.name}" ? r.${oneofProperty(column.oneof)}.value : undefined)`;
}

function isSet(column: ColumnModel, x: string): string {
  if (column.oneof !== undefined || propertyIsOptional(column)) return `${x} !== undefined`;
  return `!(${isZero(column.type, x)})`;
}

function isZero(type: ColumnType, x: string): string {
  switch (type.kind) {
    case "scalar":
      switch (scalarTsType(type.scalar, type.int64As)) {
        case "number":
          return `${x} === 0`;
        case "bigint":
          return `${x} === 0n`;
        case "boolean":
          return `${x} === false`;
        case "Uint8Array":
          return `${x}.length === 0`;
        default:
          return type.int64As === "string" ? `BigInt(${x}) === 0n` : `${x} === ""`;
      }
    case "enum":
      return `${x} === ${type.asInt === true ? "0" : JSON.stringify(zeroEnumValue(type.enum))}`;
    case "list":
      return `${x}.length === 0`;
    case "map":
      return `${x}.size === 0`;
    case "decimal":
      // Any spelling of zero ("0", "0.00", "-0.0") is the zero value.
      return `/^[-+]?(0+(\\.0*)?|\\.0+)$/.test(${x})`;
    case "duration":
      return `${x} === 0n`;
    default:
      return `${x} === undefined`;
  }
}

function rulesOf(field: DescField): FieldRules | undefined {
  return hasOption(field, fieldRules) ? getOption(field, fieldRules) : undefined;
}

function fieldBlock(state: ValidatorState, column: ColumnModel): void {
  const rules = rulesOf(column.field);
  const report = (text: string): void => state.report(text, column.field.name);
  if (rules?.ignore === Ignore.ALWAYS) return;
  const body: Printable[][] = [];
  const oneof = column.oneof;
  const x = oneof === undefined ? `r.${column.name}` : `r.${oneofProperty(oneof)}.value`;
  const path: Printable[] = [`\`\${at}${column.field.name}\``];
  // A oneof member is read inside `if (case === …)`, where it is set.
  const optional = oneof === undefined && propertyIsOptional(column);
  const inner = valueChecks(state, column.type, rules, x, path, "", column, report);
  const indent = (lines: Printable[][], by: string): Printable[][] => lines.map((l) => [by, ...l]);
  const required = rules?.required === true;
  const ignore =
    rules?.ignore === undefined || rules.ignore === Ignore.UNSPECIFIED
      ? state.inMessageOneof.has(column.field.name)
        ? Ignore.IF_ZERO_VALUE
        : Ignore.UNSPECIFIED
      : rules.ignore;
  const ifZero = ignore === Ignore.IF_ZERO_VALUE && inner.length > 0;
  if (oneof !== undefined) {
    // A oneof member's rules apply when it is the set case; `required` means that case must be set.
    // IGNORE_IF_ZERO_VALUE skips a field with presence only when it is unset; a set member is checked.
    const body = inner;
    if (body.length > 0) {
      state.lines.push([`    if (r.${oneofProperty(oneof)}.case === "${column.name}") {`], ...indent(body, "      "), [
        "    }",
      ]);
    }
    if (required) {
      state.lines.push([
        `    if (r.${oneofProperty(oneof)}.case !== "${column.name}") v.add(`,
        ...path,
        `, "required", "required", "value is required");`,
      ]);
    }
    return;
  }
  // A proto2 `required` (editions LEGACY_REQUIRED) field is always set, zero or not: `required` holds and
  // IGNORE_IF_ZERO_VALUE (which skips only unset fields with presence) never skips it.
  const legacyRequired = column.field.fieldKind === "scalar" && column.field.presence === LEGACY_REQUIRED;
  if (legacyRequired && !optional) {
    body.push(...inner);
  } else if (required) {
    const missing = optional ? `${x} === undefined` : isZero(column.type, x);
    body.push([`if (${missing}) v.add(`, ...path, `, "required", "required", "value is required");`]);
    if (inner.length > 0) body.push(["else {"], ...indent(inner, "  "), ["}"]);
  } else if (ifZero && !optional) {
    body.push([`if (!(${isZero(column.type, x)})) {`], ...indent(inner, "  "), ["}"]);
  } else if (optional && inner.length > 0) {
    body.push([`if (${x} !== undefined) {`], ...indent(inner, "  "), ["}"]);
  } else {
    body.push(...inner);
  }
  state.lines.push(...indent(body, "    "));
}

/**
 * The checks of one value (a field, a list element, a map key or value): the type block of `rules`, repeated and
 * map rules, and the nested record's own validator. `prefix` is the rule path so far (`repeated.items.`).
 */
function valueChecks(
  state: ValidatorState,
  type: ColumnType,
  rules: FieldRules | undefined,
  x: string,
  path: Printable[],
  prefix: string,
  column: ColumnModel,
  report: (text: string) => void,
  forKey = false,
): Printable[][] {
  const out: Printable[][] = [];
  const add = forKey ? "addKey" : "add";
  const ctx: CheckContext = {
    report,
    constant: (code) => {
      state.constants.push(code);
      return constName(state.className, state.constants.length - 1);
    },
  };
  const sensitive = column.sensitive ? ", true" : "";
  const emit = (checks: readonly Check[], value: string): void => {
    for (const c of checks) {
      out.push([
        "if (",
        ...printable(state.ctx, c.violated),
        `) v.${add}(`,
        ...path,
        `, "${c.rule}", "${c.id}", `,
        ...printable(state.ctx, c.message),
        `, ${value}${sensitive});`,
      ]);
    }
  };
  const block = rules?.type;
  /** Predefined rules of the type block, then the field's own CEL rules: interpreted unless compiled. */
  const celRules = (): void => {
    if (block?.case !== undefined) {
      const name = FieldRulesSchema.fields.find((f) => f.localName === block.case)?.name ?? block.case;
      for (const p of predefinedRules(block.value, column.field.parent.file, report)) {
        const c: CelCheck = {
          kind: "interpreted",
          rule: `${prefix}${name}.[${p.extension.typeName}]`,
          id: p.id,
          message: p.message,
          expression: p.expression,
        };
        out.push(celLine(state, c, type, x, path, add, `, ${x}${sensitive}`, p.value));
      }
    }
    if (rules !== undefined && (rules.cel.length > 0 || rules.celExpression.length > 0)) {
      for (const c of celChecks(rules, celThis(type, x), prefix, report))
        out.push(celLine(state, c, type, x, path, add, `, ${x}${sensitive}`));
    }
  };
  // A FieldMask is a singular field: its own rules (`field_mask`), not repeated ones.
  if (type.kind === "list" && !isFieldMask(type)) {
    if (block !== undefined && block.case !== undefined && block.case !== "repeated") {
      report(`${block.case} rules do not apply to a repeated field`);
    }
    const repeated = block?.case === "repeated" ? block.value : undefined;
    if (repeated !== undefined) {
      const p = `${prefix}repeated`;
      const set = setRules(repeated, RepeatedRulesSchema);
      const min = set.get("min_items") as bigint | undefined;
      const max = set.get("max_items") as bigint | undefined;
      if (min !== undefined)
        emit(
          [
            {
              violated: [`${x}.length < ${repeated.minItems}`],
              rule: `${p}.min_items`,
              id: "repeated.min_items",
              message: [JSON.stringify(`must contain at least ${repeated.minItems} item(s)`)],
            },
          ],
          x,
        );
      if (max !== undefined)
        emit(
          [
            {
              violated: [`${x}.length > ${repeated.maxItems}`],
              rule: `${p}.max_items`,
              id: "repeated.max_items",
              message: [JSON.stringify(`must contain no more than ${repeated.maxItems} item(s)`)],
            },
          ],
          x,
        );
      if (min !== undefined && max !== undefined && min > max) report("repeated.min_items > repeated.max_items");
      if (repeated.unique) {
        if (type.element.kind === "message") report("repeated.unique needs scalar or enum elements");
        else
          emit(
            [
              {
                violated: ["!", { runtime: "allUnique" }, `(${x})`],
                rule: `${p}.unique`,
                id: "repeated.unique",
                message: ['"repeated value must contain unique items"'],
              },
            ],
            x,
          );
      }
    }
    celRules();
    const items = repeated?.items;
    const element = elementChecks(
      state,
      type.element,
      items,
      "x",
      [`\`\${at}${column.field.name}[\${i}]\``],
      `${prefix}repeated.items.`,
      column,
      report,
    );
    if (element.length > 0) {
      // An index loop: no iterator and no [i, x] pair per element.
      out.push(
        [`for (let i = 0; i < ${x}.length; i++) {`],
        [`  const x = ${x}[i]!;`],
        ...element.map((l) => ["  ", ...l]),
        ["}"],
      );
    }
    return out;
  }
  if (type.kind === "map") {
    if (block !== undefined && block.case !== undefined && block.case !== "map")
      report(`${block.case} rules do not apply to a map field`);
    const map = block?.case === "map" ? block.value : undefined;
    if (map !== undefined) {
      const p = `${prefix}map`;
      const set = setRules(map, MapRulesSchema);
      const min = set.get("min_pairs") as bigint | undefined;
      const max = set.get("max_pairs") as bigint | undefined;
      if (min !== undefined && max !== undefined && min > max) report("map.min_pairs > map.max_pairs");
      if (min !== undefined)
        emit(
          [
            {
              violated: [`${x}.size < ${map.minPairs}`],
              rule: `${p}.min_pairs`,
              id: "map.min_pairs",
              message: [JSON.stringify(`map must be at least ${map.minPairs} entries`)],
            },
          ],
          x,
        );
      if (max !== undefined)
        emit(
          [
            {
              violated: [`${x}.size > ${map.maxPairs}`],
              rule: `${p}.max_pairs`,
              id: "map.max_pairs",
              message: [JSON.stringify(`map must be at most ${map.maxPairs} entries`)],
            },
          ],
          x,
        );
    }
    celRules();
    const keyPath: Printable[] = [state.ctx.runtime("subscript"), `(\`\${at}${column.field.name}\`, k)`];
    const keyType: ColumnType = { kind: "scalar", scalar: type.key };
    const keys = elementChecks(state, keyType, map?.keys, "k", keyPath, `${prefix}map.keys.`, column, report, true);
    const values = elementChecks(state, type.value, map?.values, "x", keyPath, `${prefix}map.values.`, column, report);
    if (keys.length + values.length > 0) {
      out.push([`for (const [k, x] of ${x}) {`], ...[...keys, ...values].map((l) => ["  ", ...l]), ["}"]);
    }
    return out;
  }
  if (block !== undefined && block.case !== undefined) {
    if (block.case === "repeated" || block.case === "map") {
      report(`${block.case} rules apply to ${block.case === "map" ? "map" : "repeated"} fields only`);
    } else {
      const schema = FieldRulesSchema.fields.find((f) => f.localName === block.case)?.message as DescMessage;
      emit(typeChecks(block.case, block.value, schema, shapeOf(type), x, prefix, ctx), x);
    }
  }
  celRules();
  if (type.kind === "message") {
    out.push([state.ctx.classOf(type.record), `.checkAt(v, ${x}, `, ...nestedAt(path), ");"]);
  }
  return out;
}

/** Rules of the elements of a list, or the keys or values of a map; their own `required`/`ignore` apply per element. */
function elementChecks(
  state: ValidatorState,
  type: ColumnType,
  rules: FieldRules | undefined,
  x: string,
  path: Printable[],
  prefix: string,
  column: ColumnModel,
  report: (text: string) => void,
  forKey = false,
): Printable[][] {
  if (rules?.ignore === Ignore.ALWAYS) return [];
  const inner = valueChecks(state, type, rules, x, path, prefix, column, report, forKey);
  const nullable = type.kind === "wrapper";
  if (nullable && inner.length > 0) return [[`if (${x} !== undefined) {`], ...inner.map((l) => ["  ", ...l]), ["}"]];
  if (rules?.ignore === Ignore.IF_ZERO_VALUE && inner.length > 0)
    return [[`if (!(${isZero(type, x)})) {`], ...inner.map((l) => ["  ", ...l]), ["}"]];
  return inner;
}

/** The `this` of a field-level CEL rule: the value, typed as CEL sees it. */
function celThis(type: ColumnType, x: string): CelThis | undefined {
  if (type.kind === "message") return { code: x, type: "message", message: type.record };
  if (type.kind !== "scalar") return undefined;
  switch (type.scalar) {
    case "string":
      return { code: x, type: "string" };
    case "bool":
      return { code: x, type: "bool" };
    case "int32":
    case "sint32":
    case "sfixed32":
      return { code: x, type: "int" };
    case "double":
    case "float":
      return { code: x, type: "double" };
    default:
      return undefined;
  }
}

/**
 * One CEL rule: a bool result fails when false (with the rule's message, else `"<expression>" returned false`); a
 * string result is the message itself. An interpreted rule is a module-level `celRule` constant checked on `x`.
 */
function celLine(
  state: ValidatorState,
  c: CelCheck,
  type: ColumnType,
  x: string,
  path: Printable[] | string,
  add: string,
  value: string,
  rule?: RuleValue,
): Printable[] {
  const where = typeof path === "string" ? [path] : path;
  const head = `${JSON.stringify(c.rule)}, ${JSON.stringify(c.id)}, `;
  if (c.kind === "interpreted") {
    const name = constName(state.className, state.constants.length);
    state.constants.push({
      call: "celRule",
      arg: obj({
        expression: str(c.expression),
        id: str(c.id),
        message: str(c.message),
        type: fieldTypeLiteral(state.ctx, type),
        rule: rule === undefined ? undefined : obj({ value: code(rule.code), type: code(rule.type) }),
      }),
    });
    return [
      "{ const m = ",
      `${name}.check(${x}); if (m !== undefined) v.${add}(`,
      ...where,
      ", ",
      head,
      "m",
      value,
      "); }",
    ];
  }
  const compiled = printable(state.ctx, c.code);
  if (c.type === "bool") {
    const message = c.message !== "" ? c.message : `"${c.expression}" returned false`;
    return ["if (!", ...compiled, `) v.${add}(`, ...where, ", ", head, JSON.stringify(message), value, ");"];
  }
  const m = c.message !== "" ? JSON.stringify(c.message) : "m";
  return ["{ const m = ", ...compiled, `; if (m !== "") v.${add}(`, ...where, ", ", head, m, value, "); }"];
}

/** The `at` of a nested record: its field's path and a dot. */
function nestedAt(path: Printable[]): Printable[] {
  const [only] = path;
  if (path.length === 1 && typeof only === "string" && only.endsWith("`")) return [`${only.slice(0, -1)}.\``];
  return [...path, ' + "."'];
}

/**
 * Prints the validator of a record class (`checkAt`, inside its body); returns the module-level constants to print
 * after the class. Rule problems go to `problems`, or, with `invalid_rules=throw`, into a validator that throws them.
 */
export function emitValidatorMembers(
  ctx: EmitContext,
  record: RecordModel,
  name: string,
  problems: Problem[],
): Printable[][] {
  const { f } = ctx;
  const found: Problem[] = [];
  const report = (text: string, field?: string): void => {
    found.push({
      file: `${record.message.file.name}.proto`,
      message: record.message.typeName,
      ...(field === undefined ? {} : { field }),
      text,
    });
  };
  const { lines, constants } = validatorBody(ctx, record, name, report);
  const throwing = found.length > 0 && ctx.options.invalidRules === "throw";
  if (!throwing) problems.push(...found);
  f.print(
    f.jsDoc(
      'Appends the violations of `r` to `v`, with field paths prefixed by `at` (`""`, or a path and a dot).\n@internal',
      "  ",
    ),
  );
  const unused = lines.length === 0 && !throwing;
  f.print(
    `  static checkAt(${unused ? "_v" : "v"}: `,
    ctx.runtime("Violations", true),
    `, ${unused ? "_r" : "r"}: ${name}, ${unused ? "_at" : "at"}: string): void {`,
  );
  if (throwing) {
    const typeName = JSON.stringify(record.message.typeName);
    f.print(
      "    throw new ",
      ctx.runtime("InvalidRulesError"),
      `(${typeName}, ${JSON.stringify(found.map(formatProblem))});`,
    );
  } else {
    for (const line of lines) f.print(...line);
  }
  f.print("  }");
  return constants;
}
