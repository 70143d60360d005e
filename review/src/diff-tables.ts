/**
 * Table-level changes: tables added, removed or renamed, their keys, partitioning and clustering, and every column
 * (matched by field number, into nested structs, list elements and map values) with its name, type, nullability,
 * comment, sensitivity and rules. A field inside the records of a list or a map has Delta's path for it:
 * `lines.element.sku`, `stock.value.count`.
 */
import { type SparkType, sparkTypeSql } from "@lakehouse-contracts/schema";
import { type Change, change } from "./changes.js";
import { diffConstraints, isEmptyDiff } from "./constraint-migration.js";
import { ruleChange } from "./rule-change.js";
import { type ColumnSnapshot, type ContractSnapshot, pathKey, structFieldKey, type TableSnapshot } from "./snapshot.js";
import { isDeltaWidening, typeShape } from "./type-compare.js";

export function diffTables(before: ContractSnapshot, after: ContractSnapshot): Change[] {
  const changes: Change[] = [];
  for (const [typeName, table] of after.tables) {
    const old = before.tables.get(typeName);
    if (old === undefined) {
      changes.push(change("table-added", typeName, `table \`${tableName(table)}\` (\`${typeName}\`) added`));
    } else {
      changes.push(...diffTable(old, table));
    }
  }
  for (const [typeName, table] of before.tables) {
    if (!after.tables.has(typeName)) {
      changes.push(
        change("table-removed", typeName, `table \`${tableName(table)}\` (\`${typeName}\`) is no longer a table`),
      );
    }
  }
  return changes;
}

export function tableName(table: TableSnapshot): string {
  return [table.catalog, table.schema, table.name].filter((p) => p !== undefined && p !== "").join(".");
}

const list = (names: readonly string[]): string => (names.length === 0 ? "none" : names.join(", "));

function diffTable(before: TableSnapshot, after: TableSnapshot): Change[] {
  const out: Change[] = [];
  const subject = after.typeName;
  const name = tableName(after);
  if (tableName(before) !== name) {
    out.push(change("table-renamed", subject, `table \`${tableName(before)}\` renamed to \`${name}\``));
  }
  if (before.comment !== after.comment) {
    out.push(
      change("table-comment-changed", subject, `table \`${name}\`: comment changed`, {
        ...(after.comment === undefined ? {} : { comment: after.comment }),
      }),
    );
  }
  const scope = {
    subject,
    table: name,
    defaults: after.defaults,
    before: before.nestedRules,
    after: after.nestedRules,
  };
  out.push(...diffColumns(scope, before.columns, after.columns));
  const keyChange = (kind: "primary-key-changed" | "partitioning-changed" | "clustering-changed", what: string) => {
    const key =
      kind === "primary-key-changed" ? "primaryKey" : kind === "partitioning-changed" ? "partitionBy" : "clusterBy";
    if (before[key].join("\0") !== after[key].join("\0")) {
      out.push(
        change(
          kind,
          subject,
          `table \`${name}\`: ${what} changed from (${list(before[key])}) to (${list(after[key])})`,
        ),
      );
    }
  };
  keyChange("primary-key-changed", "primary key");
  keyChange("partitioning-changed", "partitioning");
  keyChange("clustering-changed", "clustering");
  const constraints = diffConstraints(before, after);
  if (!isEmptyDiff(constraints)) {
    const names = (label: string, list: readonly { name: string }[]) =>
      list.length === 0 ? [] : [`${label} ${list.map((c) => `\`${c.name}\``).join(", ")}`];
    const what = [
      ...names("added", constraints.added),
      ...names("changed", constraints.changed),
      ...names("dropped", constraints.removed),
    ].join("; ");
    out.push(
      change(
        "table-constraints-changed",
        subject,
        `table \`${name}\`: CHECK constraints ${what}: until migrated, the table enforces the old contract's rules`,
      ),
    );
  }
  return out;
}

/** A column or a nested struct field, as the diff walks them. */
interface Node {
  readonly number: number;
  readonly fieldName?: string;
  readonly column: string;
  readonly type: SparkType;
  /** Top-level columns only: nested struct fields are always nullable in the table. */
  readonly nullable: boolean;
  readonly comment?: string;
  readonly sensitive?: boolean;
  readonly rules?: ColumnSnapshot["rules"];
}

/** The fields of a struct (also of the records of a list or a map) as nodes, with their rules. */
function structNodes(struct: Extract<SparkType, { kind: "struct" }>, rules: TableSnapshot["nestedRules"]): Node[] {
  return struct.fields.map((f) => {
    const entries = rules.get(structFieldKey(struct.typeName, f.number));
    return { ...f, column: f.name, nullable: true, ...(entries === undefined ? {} : { rules: entries }) };
  });
}

/**
 * What the column walk needs of the tables: the new one's message, its name for texts, its record defaults; the
 * rules of the nested records' fields of both.
 */
interface Scope {
  readonly subject: string;
  readonly table: string;
  readonly defaults: TableSnapshot["defaults"];
  readonly before: TableSnapshot["nestedRules"];
  readonly after: TableSnapshot["nestedRules"];
}

function diffColumns(
  scope: Scope,
  before: readonly Node[],
  after: readonly Node[],
  parent: readonly string[] = [],
): Change[] {
  const { subject, table } = scope;
  const out: Change[] = [];
  const at = (path: readonly string[]) => `\`${table}.${path.join(".")}\``;
  for (const next of after) {
    const path = [...parent, next.column];
    const old = before.find((c) => c.number === next.number);
    // A number reused for a field of another name and type is a new column, not a change of the old one.
    const reused =
      old !== undefined &&
      old.fieldName !== undefined &&
      old.fieldName !== next.fieldName &&
      typeShape(old.type) !== typeShape(next.type);
    if (old === undefined || reused) {
      const nestedDefault = parent.length > 0 ? scope.defaults.get(pathKey(path)) : undefined;
      out.push(
        nestedDefault !== undefined
          ? change(
              "column-added-not-null",
              subject,
              `field ${at(path)} \`${sparkTypeSql(next.type)}\` added inside ${container(parent)}: the record class reads no NULL there, but Delta keeps struct fields nullable, so existing rows get the proto3 default (${nestedDefault})`,
              { path, type: next.type },
            )
          : next.nullable
            ? change("column-added", subject, `column ${at(path)} \`${sparkTypeSql(next.type)}\` added (nullable)`, {
                path,
                type: next.type,
              })
            : change(
                "column-added-not-null",
                subject,
                `column ${at(path)} \`${sparkTypeSql(next.type)} NOT NULL\` added: existing rows need a value`,
                { path, type: next.type },
              ),
      );
      if (old !== undefined) out.push(removed(subject, [...parent, old.column], at));
      continue;
    }
    const oldPath = [...parent, old.column];
    if (old.column !== next.column) {
      out.push(
        change("column-renamed", subject, `column ${at(oldPath)} renamed to \`${next.column}\``, { path, oldPath }),
      );
    }
    out.push(...diffType(scope, old.type, next.type, path));
    if (!old.nullable && next.nullable) {
      out.push(change("column-nullability-relaxed", subject, `column ${at(path)} is now nullable`, { path }));
    } else if (old.nullable && !next.nullable) {
      out.push(
        change(
          "column-nullability-tightened",
          subject,
          `column ${at(path)} is now NOT NULL: existing rows may hold NULLs`,
          { path, type: next.type },
        ),
      );
    }
    if (old.comment !== next.comment) {
      out.push(
        change("column-comment-changed", subject, `column ${at(path)}: comment changed`, {
          path,
          type: next.type,
          ...(next.comment === undefined ? {} : { comment: next.comment }),
        }),
      );
    }
    if ((old.sensitive ?? false) !== (next.sensitive ?? false)) {
      out.push(
        change(
          "column-sensitivity-changed",
          subject,
          `column ${at(path)} is ${next.sensitive ? "now" : "no longer"} sensitive`,
          { path },
        ),
      );
    }
    out.push(...diffRules(subject, at(path), path, old.rules, next.rules));
  }
  for (const old of before) {
    if (!after.some((c) => c.number === old.number)) out.push(removed(subject, [...parent, old.column], at));
  }
  return out;
}

function removed(subject: string, oldPath: readonly string[], at: (p: readonly string[]) => string): Change {
  return change("column-removed", subject, `column ${at(oldPath)} removed: readers and existing rows still have it`, {
    oldPath,
  });
}

/** Where a nested field sits, for texts: the last part of its parent's path says. */
function container(parent: readonly string[]): string {
  const last = parent.at(-1);
  return last === "element" ? "the records of a list" : last === "value" ? "the records of a map" : "a struct";
}

/**
 * Changes of a column's type: struct fields one by one, into list elements and map values (keys are scalars: a
 * changed key changes the column's type), so a field added to the records of a list is a new nested column, as in
 * a struct, not a new type of the list.
 */
function diffType(scope: Scope, old: SparkType, next: SparkType, path: readonly string[]): Change[] {
  const { subject, table } = scope;
  if (old.kind === "struct" && next.kind === "struct") {
    return diffColumns(scope, structNodes(old, scope.before), structNodes(next, scope.after), path);
  }
  if (old.kind === "array" && next.kind === "array") {
    return diffType(scope, old.element, next.element, [...path, "element"]);
  }
  if (old.kind === "map" && next.kind === "map" && typeShape(old.key) === typeShape(next.key)) {
    return diffType(scope, old.value, next.value, [...path, "value"]);
  }
  if (typeShape(old) === typeShape(next)) return [];
  const from = sparkTypeSql(old);
  const to = sparkTypeSql(next);
  const where = `column \`${table}.${path.join(".")}\``;
  return isDeltaWidening(old, next)
    ? [
        change("column-type-widened", subject, `${where} widened from \`${from}\` to \`${to}\` (Delta type widening)`, {
          path,
          type: next,
        }),
      ]
    : [
        change("column-type-changed", subject, `${where} changed type from \`${from}\` to \`${to}\`: not a widening`, {
          path,
          type: next,
        }),
      ];
}

function diffRules(
  subject: string,
  where: string,
  path: readonly string[],
  before: Node["rules"],
  after: Node["rules"],
): Change[] {
  const out: Change[] = [];
  const keys = new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])]);
  for (const rule of keys) {
    const old = before?.get(rule);
    const next = after?.get(rule);
    if (old === next) continue;
    const how = ruleChange(rule, old, next);
    const text = `${where}: rule \`${rule}\` ${old === undefined ? `added (${next})` : next === undefined ? `removed (was ${old})` : `changed from ${old} to ${next}`}`;
    out.push(
      how === "tightened"
        ? change("validation-tightened", subject, `${text}: existing rows may violate it`, {
            path,
            rule: { path: rule, ...(next === undefined ? {} : { value: next }) },
          })
        : change("validation-relaxed", subject, text, { path, rule: { path: rule } }),
    );
  }
  return out;
}
