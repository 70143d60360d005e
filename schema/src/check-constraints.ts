/**
 * protovalidate rules as Spark SQL: the one translation behind a table's Delta CHECK constraints (the plugin puts
 * them into the table descriptor, the runtime into CREATE TABLE) and contract review's checks of existing rows and
 * its constraint migrations. A rule becomes SQL only where Spark says exactly what protovalidate says, for every
 * value a record can hold; the others are "checked by the client only", with the reason, never approximated.
 *
 * How a rule reads in SQL (checked against Spark 4.2 + Delta 4.4, test/integration/check-constraints.test.ts):
 * - Lengths: protovalidate counts a string's code points and its UTF-8 bytes, and a bytes value's bytes; Spark's
 *   `char_length` of a STRING counts code points (UTF8String.numChars), `octet_length` its UTF-8 bytes, `length`
 *   of a BINARY its bytes.
 * - Floats: protovalidate's bounds refuse NaN (`this.isNan() || this <= rules.gt`), while Spark orders NaN above
 *   every number, so a float bound is `NOT isnan(x) AND …`. A FLOAT column is compared with a FLOAT literal: the rule
 *   holds the float32 value, as the column does.
 * - A CHECK constraint whose expression is NULL is a violation in Delta (unlike SQL's CHECK): every expression here
 *   is NULL-safe, so `NOT (expression)` lists exactly the rows Delta would refuse. Unset fields with presence are
 *   skipped (`x IS NULL OR …`) as protovalidate skips them; a nested record's fields are checked where it is
 *   present; the records and values of lists and maps through `forall`.
 * - Not exact, so client only: `pattern` (RE2 is not Java's regex), the well-known formats (email, hostname, uri,
 *   ip, uuid, …: protovalidate's own parsers), anything relative to `now` (Delta refuses non-deterministic
 *   constraints), timestamp and duration bounds (nanoseconds against microsecond columns), float `unique` (NaN),
 *   FieldMask and Any rules, and custom CEL.
 */
import type { SparkType } from "./spark-type.js";
import { quoteIdentifier, sqlString } from "./sql-text.js";

/** An enum as its rules need it: its values, and whether the column holds the number (else the name). */
export interface RuleEnum {
  readonly values: readonly { readonly name: string; readonly number: number }[];
  readonly asInt: boolean;
}

/** A field of a record with its rules: what the translation needs of the plugin's or review's model. */
export interface RuleField {
  /** Its column (or struct field) name. */
  readonly column: string;
  readonly type: SparkType;
  /** Whether the field has presence: its rules are skipped when it is unset (NULL). */
  readonly presence: boolean;
  /** protovalidate's rules as flat entries, `string.min_len → 3` (the plugin's `fieldRuleEntries`). */
  readonly rules: ReadonlyMap<string, string>;
  /** The oneof it belongs to (by proto name). */
  readonly oneof?: string;
  /** The enum of the field, of its list elements or of its map values. */
  readonly enum?: RuleEnum;
  /** The record the field holds: a nested message, the records of a list, the values of a map. */
  readonly record?: RuleRecord;
}

export interface RuleRecord {
  readonly fields: readonly RuleField[];
  /** The ids of the message's own rules (`(buf.validate.message).cel`): CEL over the record, client only. */
  readonly messageRules?: readonly string[];
}

/**
 * A Delta CHECK constraint of a table: its name (`<field path>_<rule id>`, lowercase), its expression (true for a
 * row that keeps the rule; never NULL), the field (a dotted path) and protovalidate's rule id.
 */
export interface CheckConstraint {
  readonly name: string;
  readonly expression: string;
  readonly field: string;
  readonly rule: string;
}

/** A rule the table cannot enforce: the client's validator alone checks it. */
export interface ClientOnlyRule {
  readonly field: string;
  readonly rule: string;
  readonly reason: string;
}

export interface RecordChecks {
  readonly constraints: readonly CheckConstraint[];
  readonly clientOnly: readonly ClientOnlyRule[];
}

/** One rule on one value as SQL: `holds` true where it is kept, `violated` its negation; both NULL-free. */
export type RuleSql =
  | { readonly kind: "sql"; readonly id: string; readonly holds: string; readonly violated: string }
  | { readonly kind: "client"; readonly id: string; readonly reason: string };

/** The CHECK constraints of a record's table and the rules only the client checks, in field order. */
export function recordCheckConstraints(record: RuleRecord): RecordChecks {
  const constraints: CheckConstraint[] = [];
  const clientOnly: ClientOnlyRule[] = [];
  walkRecord(record, { path: [], value: undefined, wrap: (h) => h, depth: 0 }, constraints, clientOnly);
  return { constraints, clientOnly };
}

/** Where a record's fields are reached from the row: the record's value (undefined at the top) and its guard. */
interface Scope {
  readonly path: readonly string[];
  readonly value: string | undefined;
  /** Turns a predicate over the record's fields into one over the row (`s IS NULL OR …`, `forall(…)`). */
  readonly wrap: (holds: string) => string;
  readonly depth: number;
}

function walkRecord(record: RuleRecord, scope: Scope, out: CheckConstraint[], client: ClientOnlyRule[]): void {
  const at = (column: string) =>
    scope.value === undefined ? quoteIdentifier(column) : `${scope.value}.${quoteIdentifier(column)}`;
  const nested = scope.value !== undefined;
  for (const id of record.messageRules ?? []) {
    client.push({ field: scope.path.join(".") || "(record)", rule: id, reason: "custom CEL on the record" });
  }
  const oneofs = new Map<string, RuleField[]>();
  for (const field of record.fields) {
    const path = [...scope.path, field.column];
    const x = at(field.column);
    // Nested fields can be NULL in the table (rows written before they existed, a NULL struct's fields).
    const nullable = field.presence || nested;
    if (field.oneof !== undefined && field.rules.get("oneof.required") === "true") {
      oneofs.set(field.oneof, [...(oneofs.get(field.oneof) ?? []), field]);
    }
    const ignore = field.rules.get("ignore");
    if (ignore === '"IGNORE_ALWAYS"') continue;
    for (const group of ruleGroups(field.rules)) {
      const rule = valueRule(x, field.type, field.enum, group, field.presence, nullable, scope.depth);
      const name = constraintName(path, group.scope, rule.id);
      const fieldPath = path.join(".");
      if (rule.kind === "client") {
        client.push({ field: fieldPath, rule: rule.id, reason: rule.reason });
        continue;
      }
      let holds = rule.holds;
      if (ignore === '"IGNORE_IF_ZERO_VALUE"' && group.scope === "") {
        const zero = zeroTest(x, field.type, field.enum);
        if (zero === undefined) {
          client.push({ field: fieldPath, rule: rule.id, reason: "ignore: IGNORE_IF_ZERO_VALUE on this type" });
          continue;
        }
        holds = `(${zero} OR ${holds})`;
      }
      out.push({ name, expression: scope.wrap(holds), field: fieldPath, rule: rule.id });
    }
    if (field.record !== undefined) walkNested(field, x, nullable, { ...scope, path }, out, client);
  }
  for (const [oneof, members] of oneofs) {
    const holds = members.map((m) => `${at(m.column)} IS NOT NULL`).join(" OR ");
    out.push({
      name: constraintName([...scope.path, oneof], "", "required"),
      expression: scope.wrap(members.length > 1 ? `(${holds})` : holds),
      field: [...scope.path, oneof].join("."),
      rule: "required",
    });
  }
}

/** The fields of the record a field holds: in place (a struct), or in each element or value (`forall`). */
function walkNested(
  field: RuleField,
  x: string,
  nullable: boolean,
  scope: Scope,
  out: CheckConstraint[],
  client: ClientOnlyRule[],
): void {
  const record = field.record as RuleRecord;
  const guard = (h: string) => (nullable ? `(${x} IS NULL OR ${h})` : h);
  if (field.type.kind === "struct") {
    walkRecord(
      record,
      { path: scope.path, value: x, wrap: (h) => scope.wrap(guard(h)), depth: scope.depth },
      out,
      client,
    );
    return;
  }
  const isList = field.type.kind === "array";
  const e = lambda(isList ? "e" : "v", scope.depth);
  const items = isList ? x : `map_values(${x})`;
  walkRecord(
    record,
    {
      path: scope.path,
      value: e,
      wrap: (h) => scope.wrap(guard(`forall(${items}, ${e} -> ${e} IS NULL OR ${h})`)),
      depth: scope.depth + 1,
    },
    out,
    client,
  );
}

/** A lambda variable, numbered below the outermost one: `e`, `e1`, … (as review's nested SQL names them). */
function lambda(base: string, depth: number): string {
  return depth === 0 ? base : `${base}${depth}`;
}

/** `lines.quantity` + `int32.gt` → `lines_quantity_int32_gt`; items, keys and values say so. */
export function constraintName(path: readonly string[], scope: string, id: string): string {
  return [...path, ...(scope === "" ? [] : [scope]), id]
    .join("_")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_");
}

/**
 * The rules of a field as the constraints they become: one per rule, but a type block's lower and upper bound
 * together (protovalidate's `int32.gt_lt` and `…_exclusive`), and the rules of list items, map keys and map values
 * on their own (`scope`: `items`, `keys`, `values`, or `""` for the field itself).
 */
interface RuleGroup {
  readonly scope: "" | "items" | "keys" | "values";
  /** The block (`string`, `int32`, `repeated`, …), or `""` for `required`, `cel`, `oneof`. */
  readonly block: string;
  /** The rules of the block, by name, with their proto3 JSON values. */
  readonly rules: ReadonlyMap<string, string>;
}

function ruleGroups(entries: ReadonlyMap<string, string>): RuleGroup[] {
  const groups = new Map<string, { scope: RuleGroup["scope"]; block: string; rules: Map<string, string> }>();
  for (const [path, value] of entries) {
    if (path === "ignore" || path === "oneof.required" || /(^|\.)example$/.test(path)) continue;
    let scope: RuleGroup["scope"] = "";
    let rest = path;
    const m = /^(repeated\.items|map\.keys|map\.values)\.(.*)$/.exec(path);
    if (m !== null) {
      scope = m[1] === "repeated.items" ? "items" : m[1] === "map.keys" ? "keys" : "values";
      rest = m[2] as string;
      if (/^(repeated\.items|map\.keys|map\.values)\./.test(rest) || rest === "ignore") {
        if (rest !== "ignore") groups.set(`${path}`, { scope, block: "", rules: new Map([[rest, value]]) });
        continue;
      }
    }
    const dot = rest.indexOf(".");
    const block = dot < 0 ? "" : rest.slice(0, dot);
    const name = dot < 0 ? rest : rest.slice(dot + 1);
    const bound = /^(gt|gte|lt|lte)$/.test(name) && block !== "" ? "bounds" : name;
    const key = `${scope}|${block}|${bound}`;
    const group = groups.get(key) ?? { scope, block, rules: new Map<string, string>() };
    group.rules.set(name, value);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A group of rules on a field's value `x` (of `type`), wrapped for presence and for items, keys or values. */
function valueRule(
  x: string,
  type: SparkType,
  enumType: RuleEnum | undefined,
  group: RuleGroup,
  presence: boolean,
  nullable: boolean,
  depth: number,
): RuleSql {
  if (group.scope !== "") {
    const collection = group.scope === "items" ? type : type.kind === "map" ? type : undefined;
    const inner =
      collection?.kind === "array" && group.scope === "items"
        ? collection.element
        : collection?.kind === "map"
          ? group.scope === "keys"
            ? collection.key
            : collection.value
          : undefined;
    const v = lambda(group.scope === "items" ? "e" : group.scope === "keys" ? "k" : "v", depth);
    if (inner === undefined) return { kind: "client", id: idOf(group), reason: "not a list or map in the table" };
    const rule = blockRule(v, inner, group.scope === "keys" ? undefined : enumType, group, false);
    if (rule.kind === "client") return rule;
    const items = group.scope === "items" ? x : group.scope === "keys" ? `map_keys(${x})` : `map_values(${x})`;
    const holds = `forall(${items}, ${v} -> ${v} IS NULL OR ${rule.holds})`;
    return guarded(x, nullable, { ...rule, holds, violated: `NOT ${holds}` });
  }
  if (group.block === "" && group.rules.has("required")) {
    if (group.rules.get("required") !== "true") return { kind: "client", id: "required", reason: "not set" };
    const nonZero = presence ? undefined : nonZeroTest(x, type, enumType);
    if (!presence && nonZero === undefined) return { kind: "client", id: "required", reason: "no zero value in SQL" };
    const holds = nonZero === undefined ? `${x} IS NOT NULL` : nullable ? `(${x} IS NOT NULL AND ${nonZero})` : nonZero;
    const violated =
      nonZero === undefined
        ? `${x} IS NULL`
        : nullable
          ? `(${x} IS NULL OR ${zeroTest(x, type, enumType)})`
          : `${zeroTest(x, type, enumType)}`;
    return { kind: "sql", id: "required", holds, violated };
  }
  return guarded(x, nullable, blockRule(x, type, enumType, group, true));
}

function guarded(x: string, nullable: boolean, rule: RuleSql): RuleSql {
  if (rule.kind === "client" || !nullable) return rule;
  return {
    ...rule,
    holds: `(${x} IS NULL OR ${rule.holds})`,
    violated: `(${x} IS NOT NULL AND ${rule.violated})`,
  };
}

function idOf(group: RuleGroup): string {
  const names = [...group.rules.keys()];
  if (group.block === "") return names[0] ?? "";
  return `${group.block}.${names.join("_")}`;
}

const FLOAT_BLOCKS = new Set(["float", "double"]);
const INT_BLOCKS = new Set([
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
const FORMATS = new Set([
  "email",
  "hostname",
  "ip",
  "ipv4",
  "ipv6",
  "uri",
  "uri_ref",
  "address",
  "uuid",
  "tuuid",
  "ulid",
  "ip_with_prefixlen",
  "ipv4_with_prefixlen",
  "ipv6_with_prefixlen",
  "ip_prefix",
  "ipv4_prefix",
  "ipv6_prefix",
  "host_and_port",
  "well_known_regex",
  "protobuf_fqn",
  "protobuf_dot_fqn",
]);

/** A comparison and its negation. */
function cmp(x: string, op: ">" | ">=" | "<" | "<=" | "=" | "<>", literal: string): [string, string] {
  const not = { ">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "<>", "<>": "=" } as const;
  return [`${x} ${op} ${literal}`, `${x} ${not[op]} ${literal}`];
}

function sql(id: string, [holds, violated]: [string, string]): RuleSql {
  return { kind: "sql", id, holds, violated };
}

function negated(id: string, holds: string): RuleSql {
  return { kind: "sql", id, holds, violated: `NOT ${holds}` };
}

const client = (id: string, reason: string): RuleSql => ({ kind: "client", id, reason });

/** The rules of one type block on a non-NULL value `x`. */
function blockRule(
  x: string,
  type: SparkType,
  enumType: RuleEnum | undefined,
  group: RuleGroup,
  topLevel: boolean,
): RuleSql {
  const { block, rules } = group;
  const [name, value] = [...rules][0] ?? ["", ""];
  const id = idOf(group);
  if (block === "") {
    if (name === "cel" || name === "cel_expression") {
      return client(celIds(value).join(", ") || name, "custom CEL");
    }
    return client(id, "not translated to SQL");
  }
  if (INT_BLOCKS.has(block) || FLOAT_BLOCKS.has(block)) return numberRule(x, block, rules, id);
  const atomic = type.kind === "atomic" ? type.name : undefined;
  const parsed = JSON.parse(value) as unknown;
  switch (block) {
    case "bool":
      return name === "const" && atomic === "BOOLEAN" ? sql(id, cmp(x, "=", String(parsed))) : client(id, "unknown");
    case "string":
      if (atomic !== "STRING") return client(id, "not a STRING column");
      return stringRule(x, name, parsed, id);
    case "bytes":
      if (atomic !== "BINARY") return client(id, "not a BINARY column");
      return bytesRule(x, name, parsed, id);
    case "enum":
      return enumRule(x, name, parsed, id, enumType);
    case "repeated":
      return collectionRule(x, type, name, parsed, id, topLevel);
    case "map":
      if (name === "min_pairs") return sql(id, cmp(`size(${x})`, ">=", String(parsed)));
      if (name === "max_pairs") return sql(id, cmp(`size(${x})`, "<=", String(parsed)));
      return client(id, "not translated to SQL");
    case "timestamp":
      if (/now|within/.test(name)) return client(id, "relative to now: Delta refuses non-deterministic constraints");
      return client(id, "timestamp bounds are nanoseconds, the column microseconds");
    case "duration":
      return client(id, "duration bounds are nanoseconds, the column microseconds");
    default:
      return client(id, `${block} rules are not translated to SQL`);
  }
}

function celIds(value: string): string[] {
  try {
    const list = JSON.parse(value) as unknown;
    if (!Array.isArray(list)) return [];
    return list.map((r) =>
      typeof r === "string"
        ? r
        : String((r as { id?: string; expression?: string }).id ?? (r as { expression?: string }).expression ?? ""),
    );
  } catch {
    return [];
  }
}

/** A numeric literal of a rule's value: integers as they are, floats of a `float` rule as FLOAT. */
function numberLiteral(block: string, value: unknown): string | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : undefined;
  if (text === undefined) return undefined;
  if (INT_BLOCKS.has(block)) return /^-?\d+$/.test(text) ? text : undefined;
  if (text === "NaN") return undefined;
  const spark = text === "Infinity" || text === "-Infinity" ? text : String(Number(text));
  return `CAST('${spark}' AS ${block === "float" ? "FLOAT" : "DOUBLE"})`;
}

function numberRule(x: string, block: string, rules: ReadonlyMap<string, string>, id: string): RuleSql {
  const isFloat = FLOAT_BLOCKS.has(block);
  const nan = (h: string) => (isFloat ? `NOT isnan(${x}) AND ${h}` : h);
  const lit = (name: string) => {
    const v = rules.get(name);
    return v === undefined ? undefined : numberLiteral(block, JSON.parse(v));
  };
  const lo = rules.has("gt") ? "gt" : rules.has("gte") ? "gte" : undefined;
  const hi = rules.has("lt") ? "lt" : rules.has("lte") ? "lte" : undefined;
  const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
  if (lo !== undefined || hi !== undefined) {
    const l = lo === undefined ? undefined : lit(lo);
    const h = hi === undefined ? undefined : lit(hi);
    if ((lo !== undefined && l === undefined) || (hi !== undefined && h === undefined)) {
      return client(id, "a bound SQL cannot write (NaN)");
    }
    const parts: string[] = [];
    if (lo !== undefined && l !== undefined) parts.push(`${x} ${op[lo]} ${l}`);
    if (hi !== undefined && h !== undefined) parts.push(`${x} ${op[hi]} ${h}`);
    let holds = parts.join(" AND ");
    let ruleId = id;
    if (lo !== undefined && hi !== undefined) {
      const num = (n: string) => (isFloat ? Number(JSON.parse(n)) : BigInt(JSON.parse(n) as string | number));
      const normal = num(rules.get(hi) as string) >= num(rules.get(lo) as string);
      ruleId = `${block}.${lo}_${hi}${normal ? "" : "_exclusive"}`;
      holds = normal ? holds : `(${parts.join(" OR ")})`;
    }
    const full = isFloat ? `(${nan(holds)})` : parts.length > 1 ? `(${holds})` : holds;
    if (!isFloat && parts.length === 1 && lo !== undefined && l !== undefined) {
      return sql(ruleId, cmp(x, op[lo], l));
    }
    if (!isFloat && parts.length === 1 && hi !== undefined && h !== undefined) {
      return sql(ruleId, cmp(x, op[hi], h));
    }
    return negated(ruleId, full);
  }
  const [name, value] = [...rules][0] ?? ["", ""];
  const parsed = JSON.parse(value) as unknown;
  switch (name) {
    case "const": {
      const c = numberLiteral(block, parsed);
      return c === undefined ? client(id, "NaN is never equal to itself") : sql(id, cmp(x, "=", c));
    }
    case "in":
    case "not_in": {
      const list = Array.isArray(parsed) ? parsed.map((v) => numberLiteral(block, v)) : [];
      if (list.length === 0 || list.some((v) => v === undefined)) return client(id, "a list SQL cannot write (NaN)");
      const text = `(${list.join(", ")})`;
      return sql(
        id,
        name === "in" ? [`${x} IN ${text}`, `${x} NOT IN ${text}`] : [`${x} NOT IN ${text}`, `${x} IN ${text}`],
      );
    }
    case "finite":
      return parsed === true
        ? negated(id, `(NOT isnan(${x}) AND abs(${x}) <> CAST('Infinity' AS DOUBLE))`)
        : client(id, "not set");
    default:
      return client(id, "not translated to SQL");
  }
}

function stringRule(x: string, name: string, value: unknown, id: string): RuleSql {
  const n = typeof value === "string" || typeof value === "number" ? String(value) : "";
  const text = typeof value === "string" ? value : "";
  switch (name) {
    case "len":
      return sql(id, cmp(`char_length(${x})`, "=", n));
    case "min_len":
      return sql(id, cmp(`char_length(${x})`, ">=", n));
    case "max_len":
      return sql(id, cmp(`char_length(${x})`, "<=", n));
    case "len_bytes":
      return sql(id, cmp(`octet_length(${x})`, "=", n));
    case "min_bytes":
      return sql(id, cmp(`octet_length(${x})`, ">=", n));
    case "max_bytes":
      return sql(id, cmp(`octet_length(${x})`, "<=", n));
    case "const":
      return sql(id, cmp(x, "=", sqlString(text)));
    case "prefix":
      return negated(id, `startswith(${x}, ${sqlString(text)})`);
    case "suffix":
      return negated(id, `endswith(${x}, ${sqlString(text)})`);
    case "contains":
      return negated(id, `contains(${x}, ${sqlString(text)})`);
    case "not_contains":
      return sql(id, [`NOT contains(${x}, ${sqlString(text)})`, `contains(${x}, ${sqlString(text)})`]);
    case "in":
    case "not_in":
      return inList(x, name, Array.isArray(value) ? value.map((v) => sqlString(String(v))) : [], id);
    case "pattern":
      return client(id, "RE2 pattern: Java's regular expressions differ");
    case "strict":
      return client(id, "part of a well-known format");
    default:
      if (FORMATS.has(name)) return client(id, `${name} format: protovalidate's own parser`);
      return client(id, "not translated to SQL");
  }
}

/** A bytes rule value (base64 in proto3 JSON) as a SQL binary literal. */
function bytesLiteral(base64: string): string {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let bits = 0;
  let acc = 0;
  let hex = "";
  for (const c of base64.replace(/[=\s]/g, "").replace(/-/g, "+").replace(/_/g, "/")) {
    acc = (acc << 6) | digits.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((acc >> bits) & 0xff).toString(16).padStart(2, "0");
    }
  }
  return `X'${hex.toUpperCase()}'`;
}

function bytesRule(x: string, name: string, value: unknown, id: string): RuleSql {
  const n = typeof value === "string" || typeof value === "number" ? String(value) : "";
  const bytes = typeof value === "string" ? value : "";
  switch (name) {
    case "len":
      return sql(id, cmp(`length(${x})`, "=", n));
    case "min_len":
      return sql(id, cmp(`length(${x})`, ">=", n));
    case "max_len":
      return sql(id, cmp(`length(${x})`, "<=", n));
    case "const":
      return sql(id, cmp(x, "=", bytesLiteral(bytes)));
    case "prefix":
      return negated(id, `startswith(${x}, ${bytesLiteral(bytes)})`);
    case "suffix":
      return negated(id, `endswith(${x}, ${bytesLiteral(bytes)})`);
    case "contains":
      return negated(id, `contains(${x}, ${bytesLiteral(bytes)})`);
    case "in":
    case "not_in":
      return inList(x, name, Array.isArray(value) ? value.map((v) => bytesLiteral(String(v))) : [], id);
    default:
      return client(id, name === "pattern" ? "RE2 pattern: Java's regular expressions differ" : `${name}: client only`);
  }
}

function inList(x: string, name: string, items: readonly string[], id: string): RuleSql {
  if (items.length === 0) return client(id, "empty list");
  const text = `(${items.join(", ")})`;
  return sql(
    id,
    name === "in" ? [`${x} IN ${text}`, `${x} NOT IN ${text}`] : [`${x} NOT IN ${text}`, `${x} IN ${text}`],
  );
}

function enumRule(x: string, name: string, value: unknown, id: string, enumType: RuleEnum | undefined): RuleSql {
  if (enumType === undefined) return client(id, "no enum");
  const literalOf = (n: number): string | undefined => {
    if (enumType.asInt) return String(n);
    const v = enumType.values.find((e) => e.number === n);
    return v === undefined ? undefined : sqlString(v.name);
  };
  const all = (numbers: readonly number[]) => [...new Set(numbers.map(literalOf).filter((v) => v !== undefined))];
  switch (name) {
    case "defined_only":
      if (value !== true) return client(id, "not set");
      return inList(x, "in", all(enumType.values.map((v) => v.number)), id);
    case "const": {
      const c = literalOf(Number(value));
      // An undefined number cannot be held by a name column: no value keeps the rule.
      return c === undefined ? sql(id, ["false", "true"]) : sql(id, cmp(x, "=", c));
    }
    case "in":
    case "not_in": {
      const numbers = Array.isArray(value) ? value.map(Number) : [];
      const items = all(numbers);
      if (items.length === 0) {
        return name === "in" ? sql(id, ["false", "true"]) : sql(id, ["true", "false"]);
      }
      return inList(x, name, items, id);
    }
    default:
      return client(id, "not translated to SQL");
  }
}

function collectionRule(
  x: string,
  type: SparkType,
  name: string,
  value: unknown,
  id: string,
  _topLevel: boolean,
): RuleSql {
  switch (name) {
    case "min_items":
      return sql(id, cmp(`size(${x})`, ">=", String(value)));
    case "max_items":
      return sql(id, cmp(`size(${x})`, "<=", String(value)));
    case "unique": {
      if (value !== true) return client(id, "not set");
      const element = type.kind === "array" ? type.element : undefined;
      const exact =
        element?.kind === "decimal" ||
        (element?.kind === "atomic" && ["INT", "BIGINT", "BOOLEAN", "STRING", "BINARY"].includes(element.name));
      return exact
        ? sql(id, cmp(`size(array_distinct(${x}))`, "=", `size(${x})`))
        : client(id, "unique of these items: NaN and -0.0 compare otherwise in SQL");
    }
    default:
      return client(id, "not translated to SQL");
  }
}

/** SQL true where `x` is its type's proto3 zero value; undefined where it has none here. */
function zeroTest(x: string, type: SparkType, enumType: RuleEnum | undefined): string | undefined {
  if (enumType !== undefined && type.kind === "atomic") {
    const zero = enumType.values.find((v) => v.number === 0) ?? enumType.values[0];
    if (zero === undefined) return undefined;
    return enumType.asInt ? `${x} = ${zero.number}` : `${x} = ${sqlString(zero.name)}`;
  }
  if (type.kind === "array" || type.kind === "map") return `size(${x}) = 0`;
  if (type.kind === "decimal") return `${x} = 0`;
  if (type.kind !== "atomic") return undefined;
  switch (type.name) {
    case "STRING":
      return `${x} = ''`;
    case "BINARY":
      return `length(${x}) = 0`;
    case "BOOLEAN":
      return `${x} = false`;
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
      return `${x} = 0`;
    default:
      return undefined;
  }
}

function nonZeroTest(x: string, type: SparkType, enumType: RuleEnum | undefined): string | undefined {
  if (enumType !== undefined && type.kind === "atomic") {
    const zero = enumType.values.find((v) => v.number === 0) ?? enumType.values[0];
    if (zero === undefined) return undefined;
    return enumType.asInt ? `${x} <> ${zero.number}` : `${x} <> ${sqlString(zero.name)}`;
  }
  if (type.kind === "array" || type.kind === "map") return `size(${x}) > 0`;
  if (type.kind === "decimal") return `${x} <> 0`;
  if (type.kind !== "atomic") return undefined;
  switch (type.name) {
    case "STRING":
      return `${x} <> ''`;
    case "BINARY":
      return `length(${x}) > 0`;
    case "BOOLEAN":
      return `${x} = true`;
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
      return `${x} <> 0`;
    default:
      return undefined;
  }
}

/**
 * One rule entry (`string.min_len`, `"3"`) on the value `x`, for review's checks of existing rows: the same SQL as
 * the table's constraint. `nullable`: whether `x` can be NULL in the table (rules are skipped there, but
 * `required`'s).
 */
export function ruleEntrySql(
  x: string,
  type: SparkType,
  options: { readonly presence: boolean; readonly nullable: boolean; readonly enum?: RuleEnum },
  path: string,
  value: string,
): RuleSql {
  const [group] = ruleGroups(new Map([[path, value]]));
  if (group === undefined) return client(path, "not a rule");
  return valueRule(x, type, options.enum, group, options.presence, options.nullable, 0);
}
