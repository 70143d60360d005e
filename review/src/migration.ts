/**
 * Delta migration SQL for the table changes of a review, one plan per table, in the order it must run:
 *
 * 1. checks: `SELECT COUNT(*) AS violations …` for tightened rules (also on fields of nested messages, reached with
 *    `exists` inside lists and maps), a new primary key, new NOT NULLs, and new or changed CHECK constraints (a rule
 *    the table enforces is checked as its whole constraint; constraint-migration.ts); `--apply` stops unless each
 *    returns 0;
 * 2. in place, where Delta 4.4 can: table properties (type widening, column mapping), RENAME COLUMN, ADD COLUMNS,
 *    ALTER COLUMN … TYPE (widening), DROP NOT NULL, DROP COLUMN (all of them also on fields inside the records of
 *    lists and maps: `lines.element.sku`, `stock.value.count`), a backfill of fields added inside structs, lists and
 *    maps (once the table has the new schema), CLUSTER BY, comments;
 * 3. otherwise a REWRITE, clearly marked (Delta refuses NOT NULL in ADD COLUMNS, SET NOT NULL, partitioning
 *    changes, narrowing types, CLUSTER BY on a partitioned table, and a schema in REPLACE TABLE … AS SELECT): copy
 *    the rows aside, give the table the new schema, copy them back. A catalog table is replaced with
 *    `CREATE OR REPLACE TABLE`. A path table cannot be (Delta 4.4: "The specified schema does not match the existing
 *    schema", and a DataFrame overwrite with `overwriteSchema` or a REPLACE … AS SELECT makes every column
 *    nullable), so it is emptied and replaced by a `SHALLOW CLONE` of an empty table made with the new schema: the
 *    clone takes that table's schema (NOT NULLs and column comments kept) and partitioning or clustering, and no data
 *    files, since it has none; it keeps the target's own table comment, so a changed one is set after it.
 */
import {
  type CheckConstraint,
  quoteIdentifier,
  type SparkType,
  sparkTypeSql,
  sqlString,
} from "@lakehouse-contracts/schema";
import type { Change, ChangeKind } from "./changes.js";
import { planConstraints } from "./constraint-migration.js";
import { type Fill, fieldPrefixLength, filled, lambdaName, stepsOf, throughCollection } from "./nested-sql.js";
import { violationPredicateAt } from "./rule-checks.js";
import { type ContractSnapshot, pathKey, type TableSnapshot } from "./snapshot.js";
import { columnPath, createTableSql, type TableTarget } from "./table-sql.js";
import { typeShape } from "./type-compare.js";

export type StatementPurpose =
  /** A query whose first column (violations) must be 0 before anything else runs. */
  | "check"
  /** DDL that changes the table in place. */
  | "ddl"
  /** DML that fills in values existing rows lack (fields added inside structs); runs after the DDL. */
  | "backfill"
  /** A step of a table rewrite: not in place, readers see the table emptied and refilled. */
  | "rewrite"
  /** Nothing runs: a note for a person (a dropped table, a path table that cannot be renamed, a rule SQL cannot check). */
  | "manual";

export interface MigrationStatement {
  readonly purpose: StatementPurpose;
  /** The SQL (for `manual`, a `--` comment). */
  readonly sql: string;
  /** Why, in words. */
  readonly why: string;
  /** For a check: the query that lists the rows it counts, for a person to look at them. */
  readonly rows?: string;
}

export interface TableMigration {
  /** The table's message. */
  readonly typeName: string;
  /** Where the SQL addresses the table. */
  readonly target: string;
  /** True when the plan rewrites the table instead of altering it. */
  readonly rewrite: boolean;
  readonly statements: readonly MigrationStatement[];
}

/** Kinds that Delta cannot apply in place. */
const REWRITE_KINDS: ReadonlySet<ChangeKind> = new Set<ChangeKind>([
  "column-added-not-null",
  "column-type-changed",
  "column-nullability-tightened",
  "partitioning-changed",
]);

export function planMigrations(
  before: ContractSnapshot,
  after: ContractSnapshot,
  changes: readonly Change[],
  target: TableTarget,
): TableMigration[] {
  const plans: TableMigration[] = [];
  const subjects = [...new Set(changes.map((c) => c.subject))];
  for (const typeName of subjects) {
    const old = before.tables.get(typeName);
    const next = after.tables.get(typeName);
    const mine = changes.filter((c) => c.subject === typeName);
    if (next === undefined && old !== undefined) {
      if (!mine.some((c) => c.kind === "table-removed")) continue;
      plans.push({
        typeName,
        target: target(old),
        rewrite: false,
        statements: [
          manual(
            `nothing dropped: drop ${target(old)} yourself once no reader needs it`,
            "the table left the contracts",
          ),
        ],
      });
      continue;
    }
    if (next === undefined) continue;
    if (old === undefined) {
      plans.push({
        typeName,
        target: target(next),
        rewrite: false,
        statements: [
          { purpose: "ddl", sql: createTableSql(next, target(next), { ifNotExists: true }), why: "a new table" },
        ],
      });
      continue;
    }
    const plan = planTable(old, next, mine, target);
    if (plan.statements.length > 0) plans.push(plan);
  }
  return plans;
}

function manual(note: string, why: string): MigrationStatement {
  return { purpose: "manual", sql: `-- ${note}`, why };
}

function planTable(
  old: TableSnapshot,
  next: TableSnapshot,
  changes: readonly Change[],
  target: TableTarget,
): TableMigration {
  const t = target(next);
  const has = (kind: ChangeKind) => changes.some((c) => c.kind === kind);
  const clusteringOnPartitioned =
    has("clustering-changed") && (old.partitionBy.length > 0 || next.partitionBy.length > 0);
  const rewriteReasons = changes.filter((c) => REWRITE_KINDS.has(c.kind) && !isNestedAddition(c));
  const rewrites = rewriteReasons.length > 0 || clusteringOnPartitioned;
  const constraints = planConstraints({
    old,
    next,
    changes,
    oldTarget: target(old),
    target: t,
    ...(sameColumns(old, next)
      ? {}
      : { asNew: (from: string) => `SELECT ${copyColumns(old, next).join(", ")} FROM ${from}` }),
    rewrite: rewrites,
  });
  const statements: MigrationStatement[] = [
    ...checks(old, next, changes, target(old), constraints.checked),
    ...constraints.checks,
  ];
  if (has("table-renamed")) {
    const from = target(old);
    statements.push(
      from.startsWith("delta.")
        ? manual(`a path-based table keeps its path: copy ${from} to ${t}`, "table renamed")
        : { purpose: "ddl", sql: `ALTER TABLE ${from} RENAME TO ${t}`, why: "table renamed" },
    );
  }
  if (rewrites) {
    return { typeName: next.typeName, target: t, rewrite: true, statements: [...statements, ...rewrite(old, next, t)] };
  }
  statements.push(...constraints.drops);
  const widen = changes.filter((c) => c.kind === "column-type-widened");
  const renames = changes.filter((c) => c.kind === "column-renamed");
  const drops = changes.filter((c) => c.kind === "column-removed");
  if (widen.length > 0) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true')`,
      why: "type widening must be enabled before ALTER COLUMN … TYPE",
    });
  }
  if (renames.length > 0 || drops.length > 0) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
      why: "Delta renames and drops columns only with column mapping by name (upgrades the table protocol)",
    });
  }
  for (const c of renames) {
    const to = c.path?.at(-1) ?? "";
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} RENAME COLUMN ${columnPath(c.oldPath ?? [])} TO ${quoteIdentifier(to)}`,
      why: `column renamed (the column option)`,
    });
  }
  const added = changes.filter((c) => c.kind === "column-added" || c.kind === "column-added-not-null");
  if (added.length > 0) {
    const columns = added.map((c) => {
      const node = nodeAt(next, c.path ?? []);
      const comment = node?.comment === undefined ? "" : ` COMMENT ${sqlString(node.comment)}`;
      return `${columnPath(c.path ?? [])} ${sparkTypeSql(c.type ?? { kind: "atomic", name: "STRING" })}${comment}`;
    });
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} ADD COLUMNS (${columns.join(", ")})`,
      why: "new columns",
    });
  }
  for (const c of widen) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} ALTER COLUMN ${columnPath(c.path ?? [])} TYPE ${sparkTypeSql(c.type ?? { kind: "atomic", name: "STRING" })}`,
      why: "type widening",
    });
  }
  for (const c of changes.filter((c) => c.kind === "column-nullability-relaxed")) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} ALTER COLUMN ${columnPath(c.path ?? [])} DROP NOT NULL`,
      why: "the column may now be NULL",
    });
  }
  for (const c of drops) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} DROP COLUMN ${columnPath(c.oldPath ?? [])}`,
      why: "BREAKING: the column's data is gone for readers",
    });
  }
  statements.push(...backfills(next, changes, t));
  if (has("clustering-changed")) {
    const cluster = next.clusterBy.length === 0 ? "NONE" : `(${next.clusterBy.map(quoteIdentifier).join(", ")})`;
    statements.push({ purpose: "ddl", sql: `ALTER TABLE ${t} CLUSTER BY ${cluster}`, why: "clustering changed" });
  }
  for (const c of changes.filter((c) => c.kind === "column-comment-changed")) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} ALTER COLUMN ${columnPath(c.path ?? [])} COMMENT ${sqlString(c.comment ?? "")}`,
      why: "column comment",
    });
  }
  if (has("table-comment-changed")) {
    statements.push({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} SET TBLPROPERTIES ('comment' = ${sqlString(next.comment ?? "")})`,
      why: "table comment",
    });
  }
  statements.push(...constraints.adds);
  return { typeName: next.typeName, target: t, rewrite: false, statements };
}

/** Checks of existing rows: tightened rules, a new primary key's uniqueness, new NOT NULLs. */
function checks(
  old: TableSnapshot,
  next: TableSnapshot,
  changes: readonly Change[],
  t: string,
  constraintChecks: readonly CheckConstraint[],
): MigrationStatement[] {
  const out: MigrationStatement[] = [];
  const count = (where: string) => `SELECT COUNT(*) AS violations FROM ${t} WHERE ${where}`;
  for (const c of changes) {
    if (c.kind === "validation-tightened" && c.rule !== undefined && c.path !== undefined) {
      // The new constraint of the rule is checked whole (below): the rule alone would be counted twice.
      if (checkedByConstraint(next, c.path, c.rule.path, constraintChecks)) continue;
      const oldPath = renamedBack(c.path, changes);
      const oldSteps = stepsOf(old, oldPath);
      const oldNode = nodeAt(old, oldPath);
      const newNode = nodeAt(next, c.path);
      if (oldSteps === undefined || oldNode === undefined || newNode === undefined) continue;
      const predicate = violationPredicateAt(oldSteps, oldNode.nullable, c.rule.path, c.rule.value);
      out.push(
        predicate === undefined
          ? manual(`no SQL check for rule ${c.rule.path} on ${c.path.join(".")}: verify existing rows`, c.text)
          : { purpose: "check", sql: count(predicate), why: `rows violating ${c.rule.path} on ${c.path.join(".")}` },
      );
    }
    if (c.kind === "column-nullability-tightened" && c.path !== undefined) {
      out.push({
        purpose: "check",
        sql: count(`${columnPath(renamedBack(c.path, changes))} IS NULL`),
        why: `rows with NULL in ${c.path.join(".")}, now NOT NULL`,
      });
    }
  }
  if (changes.some((c) => c.kind === "primary-key-changed") && next.primaryKey.length > 0) {
    const keys = next.primaryKey.map((k) => quoteIdentifier(oldColumnName(old, next, k))).join(", ");
    out.push({
      purpose: "check",
      sql: `SELECT COUNT(*) AS violations FROM (SELECT ${keys} FROM ${t} GROUP BY ${keys} HAVING COUNT(*) > 1)`,
      why: `duplicate keys under the new primary key (${next.primaryKey.join(", ")}); Delta does not enforce keys`,
    });
  }
  return out;
}

/**
 * Whether a tightened rule is part of a constraint the migration checks: one of the same field (its path without
 * the `element` and `value` steps of lists and maps, as constraints name fields) and rule block (`int32`,
 * `string`, `repeated`, `enum`, `required`).
 */
function checkedByConstraint(
  next: TableSnapshot,
  path: readonly string[],
  rule: string,
  constraints: readonly CheckConstraint[],
): boolean {
  const steps = stepsOf(next, path);
  if (steps === undefined) return false;
  const field = steps
    .filter((s) => s.kind === "field")
    .map((s) => s.part)
    .join(".");
  const block = (id: string) => id.replace(/^(repeated\.items|map\.keys|map\.values)\./, "").split(".")[0];
  return constraints.some((c) => c.field === field && block(c.rule) === block(rule));
}

/** Whether the old rows read as the new table's columns without conversion (same names, same shapes). */
function sameColumns(old: TableSnapshot, next: TableSnapshot): boolean {
  return copyColumns(old, next).every((sql, i) => {
    const name = quoteIdentifier(next.columns[i]?.column ?? "");
    return sql === `${name} AS ${name}`;
  });
}

/** A field without presence added inside a struct, list or map: a backfill, not a rewrite. */
function isNestedAddition(c: Change): boolean {
  return c.kind === "column-added-not-null" && (c.path?.length ?? 1) > 1;
}

/**
 * Fields added inside structs, lists and maps that the record always holds, set to the proto3 default where they
 * are NULL; they run after the other DDL, when the table has the new schema the rebuilt values must match. Fields of
 * a struct: one UPDATE per struct, `SET s.f = coalesce(s.f, …)` where the struct is present (a NULL struct stays
 * NULL: the message is absent, not empty). Fields of the records of a list or a map cannot be set by path: one
 * UPDATE per such column rebuilds its records (`SET lines = transform(lines, e -> named_struct(…))`).
 */
function backfills(next: TableSnapshot, changes: readonly Change[], t: string): MigrationStatement[] {
  const groups = new Map<string, { target: readonly string[]; fields: (readonly string[])[]; rebuild: boolean }>();
  for (const c of changes) {
    if (!isNestedAddition(c) || c.path === undefined) continue;
    const steps = stepsOf(next, c.path);
    const rebuild = steps !== undefined && throughCollection(steps);
    const target = rebuild ? c.path.slice(0, fieldPrefixLength(steps)) : c.path.slice(0, -1);
    const entry = groups.get(pathKey(target)) ?? { target, fields: [], rebuild };
    entry.fields.push(c.path);
    groups.set(pathKey(target), entry);
  }
  return [...groups.values()].map(({ target, fields, rebuild }) => {
    const value = (f: readonly string[]) => next.defaults.get(pathKey(f)) ?? "NULL";
    const set = rebuild
      ? [`${columnPath(target)} = ${rebuilt(next, target, fields, value)}`]
      : fields.map((f) => `${columnPath(f)} = coalesce(${columnPath(f)}, ${value(f)})`);
    return {
      purpose: "backfill",
      sql: `UPDATE ${t} SET ${set.join(", ")} WHERE ${columnPath(target)} IS NOT NULL`,
      why: `rows written before ${fields.map((f) => f.join(".")).join(", ")} existed hold NULL there, which the record class does not read`,
    };
  });
}

/** The list or map column at `target` with its records' `fields` filled in. */
function rebuilt(
  next: TableSnapshot,
  target: readonly string[],
  fields: readonly (readonly string[])[],
  value: (f: readonly string[]) => string,
): string {
  const type = stepsOf(next, target)?.at(-1)?.type;
  if (type === undefined) throw new Error(`no column ${target.join(".")} in ${next.typeName}`);
  const fills: Fill[] = fields.map((f) => ({ rel: f.slice(target.length), value: value(f) }));
  return filled(columnPath(target), type, fills);
}

/** The rewrite: rows aside, the table given the new schema, rows back (cast, renamed, defaulted); steps numbered. */
function rewrite(old: TableSnapshot, next: TableSnapshot, t: string): MigrationStatement[] {
  const backup = sibling(t, "backup");
  const step = (purpose: StatementPurpose, sql: string, why: string) => ({ purpose, sql, why });
  const steps: MigrationStatement[] = [
    step("rewrite", `CREATE TABLE ${backup} USING delta AS SELECT * FROM ${t}`, "copy the rows aside"),
  ];
  const back = step(
    "rewrite",
    `INSERT INTO ${t} SELECT ${copyColumns(old, next).join(", ")} FROM ${backup}`,
    "copy the rows back (a value that does not fit fails the statement; the copy stays)",
  );
  if (!t.startsWith("delta.`")) {
    steps.push(
      step("rewrite", createTableSql(next, t, { orReplace: true }), "replace the table with the new contract's schema"),
      back,
      step("rewrite", `DROP TABLE ${backup}`, "drop the copy"),
    );
  } else {
    const schema = sibling(t, "schema");
    steps.push(
      step("rewrite", createTableSql(next, schema), "an empty table with the new contract's schema and layout"),
      step(
        "rewrite",
        `DELETE FROM ${t}`,
        "empty the table (Delta clones only into an empty table; the rows are in the copy)",
      ),
      step(
        "rewrite",
        `CREATE OR REPLACE TABLE ${t} SHALLOW CLONE ${schema}`,
        "take the empty table's schema, NOT NULLs, column comments and layout (a path table cannot be replaced with another schema; the clone shares no files)",
      ),
    );
    if (old.comment !== next.comment) {
      // The clone keeps the target's own description (Delta 4.4), not the source's.
      steps.push(
        step(
          "rewrite",
          `ALTER TABLE ${t} SET TBLPROPERTIES ('comment' = ${sqlString(next.comment ?? "")})`,
          "table comment",
        ),
      );
    }
    steps.push(back, manual(`delete the folders of ${backup} and ${schema} once the table is checked`, "clean up"));
  }
  return steps.map((s, i) => ({ ...s, why: `${i + 1}/${steps.length} ${s.why}` }));
}

/** A table next to `t`, its last identifier suffixed: `` delta.`/lake/orders__review_backup` ``. */
function sibling(t: string, what: string): string {
  return `${t.slice(0, -1)}__review_${what}\``;
}

/** The new table's columns as expressions over the old rows (matched by field number and name). */
function copyColumns(old: TableSnapshot, next: TableSnapshot): string[] {
  return next.columns.map((column) => {
    const before = old.columns.find((c) => c.number === column.number && c.fieldName === column.fieldName);
    const path = [column.column];
    const value =
      before === undefined
        ? absent(next, path, column.type)
        : converted(next, quoteIdentifier(before.column), before.type, column.type, path);
    return `${value} AS ${quoteIdentifier(column.column)}`;
  });
}

/** What an old row holds for a column or field it did not have: the proto3 default if the record needs a value. */
function absent(next: TableSnapshot, path: readonly string[], type: SparkType): string {
  return next.defaults.get(pathKey(path)) ?? `CAST(NULL AS ${sparkTypeSql(type)})`;
}

/**
 * `source` (of type `from`) as a value of type `to`: a struct field by field, the elements of a list with
 * `transform`, the keys and values of a map with `transform_keys` and `transform_values` (Spark casts no struct
 * to one with other fields, not even inside an array or a map), anything else cast if it differs.
 */
function converted(
  next: TableSnapshot,
  source: string,
  from: SparkType,
  to: SparkType,
  path: readonly string[],
  depth = 0,
): string {
  if (typeShape(from) === typeShape(to)) return source;
  if (from.kind === "array" && to.kind === "array") {
    const e = lambdaName("e", depth);
    const element = converted(next, e, from.element, to.element, [...path, "element"], depth + 1);
    return `transform(${source}, ${e} -> ${element})`;
  }
  if (from.kind === "map" && to.kind === "map") return convertedMap(next, source, from, to, path, depth);
  if (from.kind !== "struct" || to.kind !== "struct") return `CAST(${source} AS ${sparkTypeSql(to)})`;
  const fields = to.fields.map((field) => {
    const before = from.fields.find((f) => f.number === field.number);
    const at = [...path, field.name];
    const value =
      before === undefined
        ? absent(next, at, field.type)
        : converted(next, `${source}.${quoteIdentifier(before.name)}`, before.type, field.type, at, depth);
    return `${sqlString(field.name)}, ${value}`;
  });
  return `IF(${source} IS NULL, NULL, named_struct(${fields.join(", ")}))`;
}

type MapType = Extract<SparkType, { kind: "map" }>;

function convertedMap(
  next: TableSnapshot,
  source: string,
  from: MapType,
  to: MapType,
  path: readonly string[],
  depth: number,
): string {
  const [k, v] = [lambdaName("k", depth), lambdaName("v", depth)];
  const keyed =
    typeShape(from.key) === typeShape(to.key)
      ? source
      : `transform_keys(${source}, (${k}, ${v}) -> CAST(${k} AS ${sparkTypeSql(to.key)}))`;
  if (typeShape(from.value) === typeShape(to.value)) return keyed;
  const value = converted(next, v, from.value, to.value, [...path, "value"], depth + 1);
  return `transform_values(${keyed}, (${k}, ${v}) -> ${value})`;
}

/** A column path of the new table written with the old name of a renamed top-level column. */
function renamedBack(path: readonly string[], changes: readonly Change[]): readonly string[] {
  const rename = changes.find(
    (c) =>
      c.kind === "column-renamed" &&
      c.path !== undefined &&
      c.path.join(".") === path.slice(0, c.path.length).join("."),
  );
  return rename?.oldPath === undefined ? path : [...rename.oldPath, ...path.slice(rename.oldPath.length)];
}

function oldColumnName(old: TableSnapshot, next: TableSnapshot, column: string): string {
  const number = next.columns.find((c) => c.column === column)?.number;
  return old.columns.find((c) => c.number === number)?.column ?? column;
}

/** The column, struct field, list element or map value at `path` of a table (nested ones are nullable). */
function nodeAt(
  table: TableSnapshot,
  path: readonly string[],
): { type: SparkType; nullable: boolean; comment?: string } | undefined {
  const steps = stepsOf(table, path);
  const last = steps?.at(-1);
  if (steps === undefined || last === undefined) return undefined;
  const nullable = steps.length > 1 || (table.columns.find((c) => c.column === path[0])?.nullable ?? true);
  return { type: last.type, nullable, ...(last.comment === undefined ? {} : { comment: last.comment }) };
}
