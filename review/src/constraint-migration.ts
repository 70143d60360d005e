/**
 * A table's Delta CHECK constraints kept in step with its contract. Both snapshots carry the constraints the
 * schema package's one translation (`recordCheckConstraints`) gives their rules, the same ones CREATE TABLE writes;
 * this module compares them by name and plans, for an in-place migration:
 *
 * 1. checks: for each new or changed constraint, the count of existing rows that violate it (Delta refuses ADD
 *    CONSTRAINT while any does); the query that lists them goes with it (`MigrationStatement.rows`). Delta 4.4 counts
 *    a row whose expression is NULL as a violation (on ADD CONSTRAINT and on every write), so a row violates where
 *    `NOT coalesce(expression, false)`. The old rows are seen as the new contract names and shapes them (renamed
 *    columns, rebuilt structs) where those differ, so the new expression applies;
 * 2. drops, before any other DDL: removed and changed constraints, and those that reference a column the migration
 *    renames, drops or retypes (Delta 4.4 refuses such a change while a constraint references the column:
 *    `DELTA_CONSTRAINT_DEPENDENT_COLUMN_CHANGE`; for a lambda over a list, any field of its records);
 * 3. adds, after everything else: `ALTER TABLE … ADD CONSTRAINT name CHECK (…)`. Delta 4.4's ADD CONSTRAINT keeps
 *    the expression as its tokens joined by spaces, which turns a lambda's `->` into `- >` (a parse error), and it
 *    refuses `delta.constraints.*` in SET TBLPROPERTIES (`DELTA_ADD_CONSTRAINTS`); CREATE TABLE and CLONE take them
 *    as written. So constraints with a lambda (`forall(lines, e -> …)`) are set by a shallow clone: the table cloned
 *    aside (no data files copied), emptied, and replaced by a shallow clone of that copy with the constraints in its
 *    TBLPROPERTIES; it takes the copy's schema, properties and files. Not in place: readers see the table empty in
 *    between, and rows written meanwhile are lost.
 *
 * A rewrite creates the table with the new contract's constraints, so it needs the checks only.
 */
import { type CheckConstraint, checkConstraintProperties, quoteIdentifier } from "@lakehouse-contracts/schema";
import type { Change } from "./changes.js";
import type { MigrationStatement } from "./migration.js";
import type { TableSnapshot } from "./snapshot.js";

/** The constraints two versions of a table differ in, by name: new, gone, and kept with another expression. */
export interface ConstraintDiff {
  readonly added: readonly CheckConstraint[];
  readonly removed: readonly CheckConstraint[];
  readonly changed: readonly CheckConstraint[];
}

/** Constraints compared by name; expressions without whitespace (as the runtime's drift check compares them). */
export function diffConstraints(old: TableSnapshot, next: TableSnapshot): ConstraintDiff {
  const before = new Map((old.checks ?? []).map((c) => [c.name, c]));
  const after = new Map((next.checks ?? []).map((c) => [c.name, c]));
  const bare = (sql: string) => sql.replace(/\s+/g, "");
  return {
    added: [...after.values()].filter((c) => !before.has(c.name)),
    removed: [...before.values()].filter((c) => !after.has(c.name)),
    changed: [...after.values()].filter((c) => {
      const was = before.get(c.name);
      return was !== undefined && bare(was.expression) !== bare(c.expression);
    }),
  };
}

export function isEmptyDiff(diff: ConstraintDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

/** What the migration of a table's constraints runs, by where it goes in the plan. */
export interface ConstraintPlan {
  /** The new and changed constraints that the checks count the violations of. */
  readonly checked: readonly CheckConstraint[];
  readonly checks: readonly MigrationStatement[];
  readonly drops: readonly MigrationStatement[];
  readonly adds: readonly MigrationStatement[];
}

export interface ConstraintPlanInput {
  readonly old: TableSnapshot;
  readonly next: TableSnapshot;
  readonly changes: readonly Change[];
  /** The table before the migration (where the checks read) and after it (where the DDL goes). */
  readonly oldTarget: string;
  readonly target: string;
  /**
   * The old rows as the new table's columns (`SELECT <expressions> FROM old`), or undefined when they read the
   * same; the checks count over it.
   */
  readonly asNew?: (from: string) => string;
  /** A rewrite creates the table with its constraints: checks only. */
  readonly rewrite: boolean;
}

export function planConstraints(input: ConstraintPlanInput): ConstraintPlan {
  const { old, next, changes, oldTarget, target: t } = input;
  const diff = diffConstraints(old, next);
  const source = input.asNew === undefined ? oldTarget : `(${input.asNew(oldTarget)})`;
  const checked = [...diff.added, ...diff.changed];
  const checks = checked.map((c) => violationCheck(c, source));
  if (input.rewrite) return { checked, checks, drops: [], adds: [] };
  // Constraints that stay but must be dropped around a change of a column they reference.
  const touched = touchedColumns(changes);
  const kept = (old.checks ?? []).filter(
    (c) =>
      !diff.removed.includes(c) &&
      !diff.changed.some((n) => n.name === c.name) &&
      [...touched].some((column) => references(c.expression, column)),
  );
  const drop = [...diff.removed, ...diff.changed, ...kept];
  const drops = drop.map(
    (c): MigrationStatement => ({
      purpose: "ddl",
      sql: `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${c.name}`,
      why: diff.removed.includes(c)
        ? `the new contract has no constraint ${c.name}`
        : kept.includes(c)
          ? `Delta refuses to rename, drop or retype a column a constraint references: ${c.name} is added back after`
          : `constraint ${c.name} changes (added back after the other changes)`,
    }),
  );
  const add = [
    ...diff.added,
    ...diff.changed,
    ...kept.map((c) => (next.checks ?? []).find((n) => n.name === c.name) ?? c),
  ];
  const plain = add.filter((c) => !hasLambda(c.expression));
  const lambdas = add.filter((c) => hasLambda(c.expression));
  const adds: MigrationStatement[] = plain.map((c) => ({
    purpose: "ddl",
    sql: `ALTER TABLE ${t} ADD CONSTRAINT ${c.name} CHECK (${c.expression})`,
    why: `the table enforces ${c.rule} on ${c.field}`,
  }));
  if (lambdas.length > 0) adds.push(...cloneWithConstraints(t, lambdas));
  return { checked, checks, drops, adds };
}

/** The count of rows of `source` that violate `c`, with the query that lists them. */
function violationCheck(c: CheckConstraint, source: string): MigrationStatement {
  const where = `WHERE NOT coalesce(${c.expression}, false)`;
  return {
    purpose: "check",
    sql: `SELECT COUNT(*) AS violations FROM ${source} ${where}`,
    why: `rows violating the new CHECK constraint ${c.name} (${c.field}: ${c.rule})`,
    rows: `SELECT * FROM ${source} ${where}`,
  };
}

/** Constraints with a lambda, set through a shallow clone (see the module comment); steps numbered. */
function cloneWithConstraints(t: string, constraints: readonly CheckConstraint[]): MigrationStatement[] {
  const copy = `${t.slice(0, -1)}__review_constraints\``;
  const properties = checkConstraintProperties(constraints);
  const names = constraints.map((c) => c.name).join(", ");
  const steps: MigrationStatement[] = [
    {
      purpose: "rewrite",
      sql: `CREATE TABLE ${copy} SHALLOW CLONE ${t}`,
      why: `not in place: Delta 4.4's ADD CONSTRAINT breaks lambdas (${names}), so the table is cloned aside (no data files copied)`,
    },
    {
      purpose: "rewrite",
      sql: `DELETE FROM ${t}`,
      why: "empty the table (Delta clones only into an empty table; the copy holds its files)",
    },
    {
      purpose: "rewrite",
      sql: `CREATE OR REPLACE TABLE ${t} SHALLOW CLONE ${copy} TBLPROPERTIES (${properties})`,
      why: "the copy's schema, properties and files back, with the constraints",
    },
    t.startsWith("delta.`")
      ? { purpose: "manual", sql: `-- delete the folder of ${copy} (its log only)`, why: "clean up" }
      : { purpose: "rewrite", sql: `DROP TABLE ${copy}`, why: "drop the copy (the table references its files)" },
  ];
  return steps.map((s, i) => ({ ...s, why: `${i + 1}/${steps.length} ${s.why}` }));
}

/** The old names of the top-level columns that the migration renames, drops or retypes (a part of them). */
function touchedColumns(changes: readonly Change[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    if (c.kind === "column-renamed" || c.kind === "column-removed") {
      const first = c.oldPath?.[0];
      if (first !== undefined) out.add(first);
    }
    if (c.kind === "column-type-widened") {
      // The old name: a column renamed and widened in one change is renamed first.
      const first = c.path?.[0];
      const rename = changes.find((r) => r.kind === "column-renamed" && r.path?.length === 1 && r.path[0] === first);
      const name = rename?.oldPath?.[0] ?? first;
      if (name !== undefined) out.add(name);
    }
  }
  return out;
}

/**
 * Whether a constraint's expression refers to a top-level column: its quoted name not after a `.` (a struct
 * field of the same name errs on the safe side only where a struct of that name is not the column).
 */
function references(expression: string, column: string): boolean {
  const quoted = quoteIdentifier(column);
  let at = expression.indexOf(quoted);
  while (at >= 0) {
    if (expression[at - 1] !== ".") return true;
    at = expression.indexOf(quoted, at + 1);
  }
  return false;
}

/** Whether an expression has a lambda (`->` outside string literals and quoted identifiers). */
export function hasLambda(expression: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i] as string;
    if (quote !== undefined) {
      if (ch === "\\" && quote !== "`") i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "-" && expression[i + 1] === ">") return true;
  }
  return false;
}
